// The lazy command groups: `--help` must list them as their modules describe them, and a command line loads
// the named group's modules only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, Help } from 'commander';
import { LAZY_GROUPS, namedCommand, registerLazyGroups, type OpenContext } from './groups.ts';

const open: OpenContext = () => Promise.reject(new Error('no database in this test'));

test('each placeholder reads exactly as the loaded module registers the command', async () => {
  for (const g of LAZY_GROUPS) {
    const program = new Command();
    await g.load(program, open);
    const real = program.commands.find((c) => c.name() === g.name);
    assert.ok(real, `${g.name} is registered by its module`);
    assert.equal(g.summary, real.description(), g.name);
    assert.equal(g.term, new Help().subcommandTerm(real), g.name);
  }
});

test('--help lists every group with its term and summary, in order, without loading any', async () => {
  const program = new Command().name('citycredit');
  await registerLazyGroups(program, ['--help'], open);
  assert.deepEqual(
    program.commands.map((c) => c.name()),
    LAZY_GROUPS.map((g) => g.name),
  );
  // Placeholders have no subcommands: nothing was loaded.
  for (const c of program.commands) assert.equal(c.commands.length, 0, c.name());
  const help = program.helpInformation();
  for (const g of LAZY_GROUPS) assert.match(help, new RegExp(`\\n  ${g.term.replace(/[[\]]/g, '\\$&')} +${g.summary.replace(/[()（）]/g, '.')}\\n`));
});

test('the named group is the real one, with its subcommands', async () => {
  const program = new Command();
  await registerLazyGroups(program, ['codes', 'check', '--kind', 'uscc'], open);
  const codes = program.commands.find((c) => c.name() === 'codes');
  assert.deepEqual(codes?.commands.map((c) => c.name()), ['check']);
  const users = program.commands.find((c) => c.name() === 'users');
  assert.equal(users?.commands.length, 0);
});

test('namedCommand: the first word that is not an option; `help x` names x', () => {
  assert.equal(namedCommand(['codes', 'check']), 'codes');
  assert.equal(namedCommand(['--help']), undefined);
  assert.equal(namedCommand(['help', 'users']), 'users');
  assert.equal(namedCommand(['-h', 'monitor', 'compare']), 'monitor');
});
