/**
 * Prometheus behind an authenticating proxy that does not accept our
 * credentials: every request is answered 401 as nginx's auth_basic answers it
 * (a `WWW-Authenticate` challenge and an HTML body, not Prometheus' JSON).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthProxy {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  /** Paths asked so far (`/api/v1/query?…`), to show the CLI really asked. */
  requests: string[];
  close(): Promise<void>;
}

const BODY = '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export async function startAuthProxy(): Promise<AuthProxy> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(401, { 'content-type': 'text/html', 'www-authenticate': 'Basic realm="prometheus"' });
    res.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
