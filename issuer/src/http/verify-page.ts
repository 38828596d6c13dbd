import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

declare module './create-app.js' {
  interface CreateAppOptions {
    /**
     * The built web verifier (verifier-web/dist, plus the deployment's
     * config.json and trust-bundle.json) served under `/verify/`. Default:
     * `VNEID_VERIFY_PAGE_DIR`, else the repository's verifier-web/dist when
     * it was built. Without one, `/verify/` is NOT_FOUND.
     */
    verifyPageDir?: string;
  }
}

// issuer/src/http or issuer/dist/http → the workspace's verifier-web/dist.
const BUILT_PAGE = fileURLToPath(new URL('../../../verifier-web/dist/', import.meta.url));

/**
 * The web verifier's static files under `/verify/`: read only, no index
 * listing, no dotfiles. The issuer does not import the verifier; it serves
 * a folder any static host could serve.
 *
 * @example
 * app.use('/verify', verifyPage({ verifyPageDir: '/srv/vneid/verify' }));
 */
export function verifyPage(options: { verifyPageDir?: string | undefined }): Router {
  const dir = options.verifyPageDir ?? process.env.VNEID_VERIFY_PAGE_DIR ?? BUILT_PAGE;
  const router = express.Router();
  if (!existsSync(dir)) return router;
  router.use((_req: Request, res: Response, next: NextFunction) => {
    // The page's own files; its CSP is in index.html. sw.js is always revalidated.
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  router.use(express.static(dir, { index: 'index.html', dotfiles: 'ignore', redirect: true, etag: false }));
  return router;
}
