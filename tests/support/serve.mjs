// `jointcare serve` for the JavaScript tests: started on a free port, resolved with its base URL
// once it prints where it serves, and stopped (awaiting its exit) when done.
import { spawn } from "node:child_process";

export async function serve(jointcare, args) {
  const server = spawn(jointcare, ["serve", "--port", "0", "--log-level", "warn", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("the server did not start")), 30000);
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    server.on("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return { server, base };
}

export async function stop(server) {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill();
  await exited;
}
