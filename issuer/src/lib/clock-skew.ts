/**
 * How far apart the clocks of the issuer's replicas may be (ordinary NTP
 * drift). Everything dated by one replica and checked against what another
 * dated (status list copies, key windows against proof dates) tolerates
 * this much; beyond it the service refuses rather than publish what
 * verifiers would refuse.
 */
export const MAX_PUBLISH_SKEW_MS = 60_000;
