"""Checking in a streamed run (:mod:`lambdalint.stream`): each group's rules, its findings kept
as plain data and its documents and model dropped (:class:`GroupChecks`); then the run-level
rules over compact records (LL401's pool, LL002's unused suppressions) and the report
(:func:`finish`), in the order and with the counts of the one-model run."""
from __future__ import annotations

import gc
import time

from .engine import matches, run_rules
from .findings import Report
from .model import Alarm, LogGroup, Model, VpcEndpoint
from .stream_records import FrozenFunction, freeze
from .suppressions import apply_suppressions, collect_suppressions, resource_extents, selector_matches, unused_suppressions

RUN_WIDE = (LogGroup, VpcEndpoint, Alarm)
RUN_LEVEL = ("LL401", "LL002")  # rules whose one subject is the whole run
COLLECT_EVERY = 100_000  # container objects allocated since the last collection

LAST: dict = {}  # the last streamed run: groups, largest group, run-wide files, restarted (why)


class GroupChecks:
    """The checking half of ``stream.Streamed``."""

    def _check(self, group: list) -> None:
        """Model one group, run its rules, keep its findings as plain data, drop the rest."""
        if len(group) == 1:
            model = group[0].model
        else:
            model = Model()
            model.parse_errors = []
            for unit in group:
                part = unit.model
                for entity in part.entities.values():
                    model.add(entity)
                model.exports.update(part.exports)
                model.unresolved_refs += part.unresolved_refs
                model.inputs += part.inputs
                model.parse_errors += part.parse_errors
        model.files = [f for unit in group for f in unit.files]
        model.shared_memo = self.shared_memo
        if len(group) == 1 and not group[0].held and self.run_wide_units:
            # a streamed unit holds no run-wide fact itself: every one of them sees the same lists
            if self.shared_wide is None:
                lists = {cls: [e for u in self.run_wide_units for e in u.frozen.get(cls, ())] for cls in RUN_WIDE}
                self.shared_wide = (lists, None)
            model.run_wide, index = self.shared_wide
            if index is not None:
                model._log_group_index = index  # model.logs: the same log groups, the same index
        else:
            members = {id(u) for u in group}
            if any(id(u) not in members for u in self.run_wide_units):
                # this group's own entities, and the others' as resolved copies, in run order
                every = sorted(set(self.run_wide_units) | set(group), key=lambda u: u.index)
                model.run_wide = {cls: [e for u in every
                                        for e in (u.wide if id(u) in members else u.frozen).get(cls, ())]
                                  for cls in RUN_WIDE}
        model.resolve_imports()
        model.build()
        docs = [doc for unit in group for doc in unit.docs]
        first = group[0].index
        if first >= 0:
            LAST["groups"] += 1
            LAST["largest group"] = max(LAST["largest group"], len(group))
        findings, undecided, checks = run_rules(model, self.group_rules, self.config, self.settings, quiet=True)
        self._errors(model.internal_errors, first)
        for rule, (decided, unsure) in checks.items():
            counts = self.checks.setdefault(rule, [0, 0])
            counts[0] += decided
            counts[1] += unsure
        hits = collect_suppressions(docs)
        starts = resource_extents(model, {h.file for h in hits}) if hits else {}
        findings, suppressed, without_reason = apply_suppressions(findings, hits, self.config, starts)
        self.suppressed += suppressed
        self.without_reason += without_reason
        if hits and any(r.meta.id == "LL002" for r in self.chosen):
            shadow = [r for r in self.rules.values() if r not in self.chosen and not r.meta.opt_in
                      and r.meta.id not in RUN_LEVEL
                      and not any(matches(r.meta, s) for s in self.config.ignore or ())
                      and any(not h.used and any(selector_matches(i, r.meta.id, r.meta.name) for i in h.ids) for h in hits)]
            if shadow:
                hidden, _, _ = run_rules(model, shadow, self.config, self.settings, quiet=True)
                self._errors(model.internal_errors, first)
                apply_suppressions(hidden, hits, self.config, starts)
                for r in shadow:
                    self.shadow_ran[r.meta.id] = r
        if hits:
            self.suppressions += hits
            self.extents.update(starts)
        self.findings += [(self.order_of.get(f.rule, 0), first, f) for f in findings]
        self.undecided += undecided
        self.functions += len(model.functions())
        if "LL401" in self.rules:  # the pool over the run: this group's part, in run order
            from dataclasses import replace

            module = self.rules["LL401"].module
            for unit in group:
                functions = model.functions() if len(group) == 1 else unit.model.functions()
                for seq, fn in enumerate(functions):
                    names = self.records.function_names
                    names[fn.name] = names.get(fn.name, 0) + 1
                    record = module.contribution(fn)
                    if record.amount is None and not record.unsures:
                        continue  # adds nothing to the pool: its name (above) is all LL401 needs
                    record.fn = FrozenFunction(fn)
                    record.leaf_source = freeze(record.leaf_source)
                    record.unsures = [replace(u, resource=record.fn, source=freeze(u.source)) for u in record.unsures]
                    self.concurrency.append((unit.index, seq, record))
        if model.run_wide is not None and self.shared_wide is not None and model.run_wide is self.shared_wide[0]:
            if self.shared_wide[1] is None and getattr(model, "_log_group_index", None) is not None:
                self.shared_wide = (self.shared_wide[0], model._log_group_index)
        for unit in group:  # the group's documents and model go
            if unit.model is not None and unit.model is not model:
                unit.model.__dict__.clear()
            unit.model = None
            unit.docs = []
            unit.wide = {}
        model.__dict__.clear()  # the model's cycles (indexes, frontends) end here: freed at once
        for doc in docs:
            if hasattr(doc, "__dict__"):
                doc.__dict__.clear()  # and the documents' (span closures, resolvers)
        del model, docs
        if gc.get_count()[0] >= COLLECT_EVERY:
            # a group's documents and model hold reference cycles (frontends, indexes, closures):
            # freed here, on a heap that is small between groups, instead of by the collector's
            # own schedule, which rescans the live group's young objects again and again
            gc.collect()
            gc.freeze()  # what lives on (records, kept units, loaded data) is not scanned again

    def _errors(self, errors: list, first: int) -> None:
        for message in errors:
            rule = message.split(" ", 2)[1] if message.startswith("rule ") else ""
            self.rule_errors.append((self.order_of.get(rule, len(self.order_of)), first, message))
        errors.clear()


def finish(run, head, units, config, rules, chosen, show_unknowns, started) -> Report:
    """The run-level rules over the records the groups left, and the report."""
    tf_dirs = run.inputs.tf_dirs
    if tf_dirs:  # each module directory's ParseErrors and failures where the one-model run has them
        for error in (error for directory in tf_dirs for error in run.modules.errors[directory]):
            head.model.parse_errors.append(error)
            head.files.append(error.file)
    tf_errors = [message for directory in tf_dirs for message in run.modules.internal[directory]]
    run._check([head]) if head.model.parse_errors else None
    records = run.records
    records.concurrency = [record for _, _, record in sorted(run.concurrency, key=lambda c: c[:2])]
    late = []
    ll401 = [r for r in chosen if r.meta.id == "LL401"]
    if ll401:
        found, undecided, checks = run_rules(records, ll401, config)
        run.undecided += undecided
        found, suppressed, without_reason = apply_suppressions(found, run.suppressions, config, run.extents)
        run.suppressed += suppressed
        run.without_reason += without_reason
        run.findings += [(run.order_of["LL401"], -1, f) for f in found]
        run.checks.update(checks)
    ll002 = [r for r in chosen if r.meta.id == "LL002"]
    if ll002:
        pool = rules.get("LL401")
        if (pool is not None and pool not in chosen and not pool.meta.opt_in
                and not any(matches(pool.meta, s) for s in config.ignore or ())
                and any(not h.used and any(selector_matches(i, "LL401", pool.meta.name) for i in h.ids)
                        for h in run.suppressions)):
            hidden, _, _ = run_rules(records, [pool], config)
            apply_suppressions(hidden, run.suppressions, config, run.extents)
            run.shadow_ran["LL401"] = pool
        shadow = [r for r in rules.values() if r.meta.id in run.shadow_ran]
        records.unused_suppressions = unused_suppressions(run.suppressions, rules, chosen + shadow)
        late, _, more_checks = run_rules(records, ll002, config)
        run.checks.update(more_checks)
    run._errors(records.internal_errors, len(units))
    findings = [f for _, _, f in sorted(run.findings, key=lambda item: item[:2])] + late
    findings.sort(key=lambda f: f.sort_key())
    undecided = sorted(set(run.undecided), key=lambda u: u.sort_key())
    files = head.files + [f for unit in units for f in unit.files]
    internal = (tf_errors + [m for _, m in sorted(run.load_errors, key=lambda e: e[0])]
                + run.nesting_errors + [m for _, m in sorted(run.map_errors, key=lambda e: e[0])]
                + [m for *_, m in sorted(run.rule_errors, key=lambda e: e[:2])])
    checks = {r.meta.id: run.checks.get(r.meta.id, [0, 0]) for r in chosen if r.meta.id != "LL002"}
    if ll002:
        checks["LL002"] = run.checks.get("LL002", [0, 0])
    return Report(findings=findings, unknowns=undecided, files=len(files), functions=run.functions,
                  suppressed=run.suppressed, suppressed_without_reason=run.without_reason,
                  show_unknowns=show_unknowns, internal_errors=internal, paths=tuple(dict.fromkeys(files)),
                  fail_on=config.fail_on, elapsed=time.perf_counter() - started, checks=checks)
