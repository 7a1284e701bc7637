/**
 * GitHub Action entry point: maps `action.yml` inputs to the same command table
 * the CLI uses. Thin on purpose; domain code never imports @actions/*.
 */
import * as core from '@actions/core';
import { main } from './cli.ts';

export async function run(): Promise<void> {
  const command = core.getInput('command') || 'tick';
  const repo = core.getInput('repo') || '.';
  const argv = ['node', 'git-canary', command, '--repo', repo];
  if (core.getBooleanInput('dry-run', { required: false })) argv.push('--dry-run');
  const token = core.getInput('token');
  if (token) {
    core.setSecret(token);
    process.env.GIT_CANARY_TOKEN = token;
  }
  const code = await main(argv);
  if (code !== 0) core.setFailed(`git-canary ${command} exited with ${code}`);
}

run();
