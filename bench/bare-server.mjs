// The baseline: bare node:http answering a fixed JSON body of the size given in argv[2]
// (the size of the app's answer being compared), as simply as node:http allows.
import { createServer } from 'node:http';

const size = Number(process.argv[2] ?? 900);
const body = JSON.stringify({ result: { data: { padding: 'x'.repeat(Math.max(0, size - 35)) } } });
const server = createServer((req, res) => {
	res.writeHead(200, { 'content-type': 'application/json' });
	res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, bytes: body.length })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
