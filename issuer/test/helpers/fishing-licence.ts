// One definition of the test-only fifth type, shared by every package's tests.
export { fishingLicence } from '../../../schemas/test/fixtures/fishing-licence.js';
