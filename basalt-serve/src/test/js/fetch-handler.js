// A wasi:http handler in JavaScript (StarlingMonkey's fetch event), built by JsFetchHandlerTest with
// `jco componentize` and served by basalt serve.
let requestsSeen = 0;   // module state: with an instance per request it is always 1 when a request reads it

addEventListener('fetch', (event) => event.respondWith(handle(event.request)));

async function handle(request) {
  requestsSeen++;
  const url = new URL(request.url);
  if (url.pathname === '/hello') {
    const name = url.searchParams.get('name') ?? 'world';
    return new Response(`hello ${name} from js\n`, { headers: { 'content-type': 'text/plain' } });
  }
  if (url.pathname === '/echo' && request.method === 'POST') {
    const text = await request.text();
    return new Response([...text].reverse().join(''), {
      status: 201,
      headers: { 'content-type': 'text/plain', 'x-length': String(text.length) },
    });
  }
  if (url.pathname === '/json') {
    const body = {
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      header: request.headers.get('x-client'),
      requestsSeen,
      sum: Array.from({ length: 1000 }, (_, i) => i).reduce((a, b) => a + b, 0),
    };
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  }
  return new Response(`no route for ${url.pathname}\n`, { status: 404 });
}
