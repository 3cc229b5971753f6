// The local stand-in for the AWS Lambda Node.js runtime interface: loads the function's handler
// from the task root, calls it once with the event and a context object, and writes the outcome
// as JSON to a file (stdout and stderr stay the function's log). Used by cdk_emr/local/lambda_runtime.py.
//
// Usage: node lambda_node_bootstrap.mjs <taskRoot> <handler> <eventFile> <resultFile> <contextJson> [<httpsPort>]
// The handler setting is "<module path>.<export>" (AWS Lambda Developer Guide, "Define Lambda
// function handler in Node.js"); the module is <module path>.js, .mjs or .cjs.
//
// <httpsPort>: where HTTPS to the loopback on the default port 443 goes. CloudFormation's response
// URL is an https URL on 443, and some handlers send their response to its host and path only
// (aws-cdk-lib's AwsCustomResource handler does), dropping the port of a local URL.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { pathToFileURL } from "node:url";

const [taskRoot, handlerSetting, eventFile, resultFile, contextJson, httpsPort] = process.argv.slice(2);
const startedAt = Date.now();

if (httpsPort) {
  const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);
  const connect = tls.connect;
  tls.connect = function connectToLocalHttps(...args) {
    const [first, second] = args;
    if (first && typeof first === "object" && LOOPBACK.has(first.host ?? "localhost") && [undefined, null, 443, "443"].includes(first.port)) {
      args[0] = { ...first, port: Number(httpsPort) };
    } else if ((typeof first === "number" || typeof first === "string") && Number(first) === 443 && LOOPBACK.has(typeof second === "string" ? second : "localhost")) {
      args[0] = Number(httpsPort);
    }
    return connect.apply(this, args);
  };
}

function finish(outcome) {
  writeFileSync(resultFile, JSON.stringify(outcome));
  // Lambda freezes the environment once an async handler settles; open sockets must not keep us alive.
  process.exit(0);
}

function failure(error) {
  const err = error instanceof Error ? error : new Error(String(error));
  console.error(err.stack ?? String(err));
  return { errorType: err.name ?? "Error", errorMessage: err.message ?? String(err) };
}

process.on("uncaughtException", (error) => finish(failure(error)));
process.on("unhandledRejection", (error) => finish(failure(error)));

async function loadHandler() {
  const dot = handlerSetting.lastIndexOf(".");
  if (dot < 1) throw Object.assign(new Error(`Bad handler ${handlerSetting}`), { name: "Runtime.MalformedHandlerName" });
  const modulePath = handlerSetting.slice(0, dot);
  const exportName = handlerSetting.slice(dot + 1);
  const file = [".js", ".mjs", ".cjs"].map((ext) => path.join(taskRoot, modulePath + ext)).find((f) => existsSync(f));
  if (!file) throw Object.assign(new Error(`Cannot find module '${modulePath}'`), { name: "Runtime.ImportModuleError" });
  const module = await import(pathToFileURL(file).href);
  const handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== "function") {
    throw Object.assign(new Error(`${modulePath}.${exportName} is undefined or not exported`), { name: "Runtime.HandlerNotFound" });
  }
  return handler;
}

try {
  const event = JSON.parse(readFileSync(eventFile, "utf8"));
  const fields = JSON.parse(contextJson);
  const context = {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, fields.timeoutMillis - (Date.now() - startedAt)),
  };
  const handler = await loadHandler();
  const result = await new Promise((resolve, reject) => {
    const callback = (error, value) => (error ? reject(error) : resolve(value));
    context.done = callback;
    context.succeed = (value) => resolve(value);
    context.fail = (error) => reject(error);
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === "function") returned.then(resolve, reject);
    else if (handler.length < 3) resolve(returned);
  });
  finish({ result: result ?? null });
} catch (error) {
  finish(failure(error));
}
