/** Whether cheerio has been required in this process. */
import path from 'path';

export function cheerioLoaded(): boolean {
  return Object.keys(require.cache).some((file) => file.split(path.sep).includes('cheerio'));
}
