import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  CanaryError
} from "./chunk-XQGSMGWJ.js";

// src/github/repository.ts
var OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,37}[A-Za-z0-9_])?$/;
var NAME = /^[A-Za-z0-9._-]{1,100}$/;
function resolveGitHubRepository(o) {
  if (o.configured !== void 0 && o.configured.trim() !== "") return parseRepository(o.configured, "github.repository");
  const fromEnv = o.env.GITHUB_REPOSITORY;
  if (fromEnv !== void 0 && fromEnv.trim() !== "") return parseRepository(fromEnv, "GITHUB_REPOSITORY");
  return fromUrl(o.repoSpec, o.env);
}
function parseRepository(value, source) {
  const text = value.trim();
  const [owner, repo, ...rest] = text.split("/");
  if (owner !== void 0 && repo !== void 0 && rest.length === 0 && OWNER.test(owner) && validName(repo)) return { owner, repo };
  const hint = /\.git$/.test(text) ? "write the repository without .git, e.g. acme/manifests" : "write it as owner/name, e.g. acme/manifests (letters, digits, -, _ and . only)";
  throw new CanaryError("CONFIG", `${source} is not a GitHub repository: ${JSON.stringify(value)}`, { where: { detail: source }, hint });
}
function validName(name) {
  return NAME.test(name) && name !== "." && name !== ".." && !name.endsWith(".git");
}
function fromUrl(spec, env) {
  let url;
  try {
    url = new URL(spec);
  } catch {
    return void 0;
  }
  if (!gitHubHosts(env).some((h) => h.protocol === url.protocol && h.host === url.host.toLowerCase())) return void 0;
  const parts = url.pathname.replace(/\/+$/, "").replace(/\.git$/, "").split("/").filter(Boolean);
  if (parts.length !== 2) return void 0;
  const [owner, repo] = parts.map((p) => decodeURIComponent(p));
  if (owner === void 0 || repo === void 0 || !OWNER.test(owner) || !validName(repo)) return void 0;
  return { owner, repo };
}
function gitHubHosts(env) {
  const hosts = [{ protocol: "https:", host: "github.com" }];
  const server = env.GITHUB_SERVER_URL;
  if (server) {
    try {
      const u = new URL(server);
      hosts.push({ protocol: u.protocol, host: u.host.toLowerCase() });
    } catch {
    }
  }
  return hosts;
}
function gitHubApiUrl(env) {
  return (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, "");
}
function gitHubServerUrl(env) {
  return (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
}
function commitUrl(env, repo, sha) {
  return `${gitHubServerUrl(env)}/${repo.owner}/${repo.repo}/commit/${sha}`;
}

export {
  resolveGitHubRepository,
  gitHubApiUrl,
  commitUrl
};
