//! Judging one file as the loader would (pure).

use super::*;
use std::fmt;

/// What the loader gives every legacy plugin: its path as its name,
/// version 0.1.0, every hook slot.
fn fill_legacy(r: &mut FileReport) {
    r.kind = Some(Kind::Legacy);
    r.name = Some(r.path.clone());
    r.name_known = true;
    r.version = Some(CRIU_PLUGIN_VERSION_OLD);
    r.max_hooks = Some(CR_PLUGIN_HOOK__MAX as u32);
}

pub(crate) fn fill_from_record(r: &mut FileReport, rec: &Record) {
    r.kind = rec.kind;
    match rec.kind {
        Some(Kind::Legacy) => fill_legacy(r),
        Some(Kind::Descriptor) => {
            r.name_known = rec.name.is_some();
            r.name = rec.name.clone().flatten();
            r.version = rec.version;
            r.max_hooks = rec.max_hooks;
        }
        None => {}
    }
    r.hooks = rec.hooks;
    r.hooks_complete = rec.hooks.is_some();
    r.init = rec.init;
    r.exit = rec.exit;
}

pub(crate) fn fill_from_facts(r: &mut FileReport, facts: &FileFacts) {
    if facts.elf_error.is_some() || facts.unread.is_some() {
        return;
    }
    match &facts.plugin {
        Some(probe::FilePlugin::Descriptor(d)) => {
            r.kind = Some(Kind::Descriptor);
            r.name_known = d.name.is_some();
            r.name = d.name.as_ref().map(|n| n.as_bytes().to_vec());
            r.version = d.version;
            r.max_hooks = d.max_hooks;
            r.hooks = Some(d.hooks);
            r.hooks_complete = false;
            r.init = Some(d.init);
            r.exit = Some(d.exit);
        }
        Some(probe::FilePlugin::Legacy { hooks, init, exit }) => {
            fill_legacy(r);
            r.hooks = Some(*hooks);
            r.hooks_complete = true;
            r.init = Some(*init);
            r.exit = Some(*exit);
        }
        None => return,
    }
    r.notes
        .push("read from the file, without running any of its code".into());
}

/// What the inspector knows of one file before judging it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Position in load order, from 1.
    pub position: usize,
    /// The file's path, its bytes.
    pub path: Vec<u8>,
    /// What the file says.
    pub facts: FileFacts,
    /// The child's findings; `None` when the file was not loaded.
    pub run: Option<Run>,
    /// Why the file is untrusted (the trust check's sentence), if it is.
    pub untrusted: Option<String>,
    /// For a file that is a symbolic link: the loader's sentence on an
    /// untrusted place on the path to its target, if there is one.
    pub path_concern: Option<String>,
    /// The skip list that names the file (its source), if one does.
    pub skipped_by: Option<String>,
    /// Why the tool did not load the file, if it did not.
    pub not_run: Option<String>,
}

/// Judges one file as the loader would: the library's verdict, fed with
/// what the tool found, first before `dlopen` (the file's type, the skip
/// list, trust, a file cut short), then after (loading, the descriptor's
/// symbol and numbers); alternatives: see [`mark_alternatives`]. What only the
/// tool can meet (its child crashing, a file that is not ELF) it says
/// itself.
pub fn judge(ev: &Evidence, strict: bool) -> FileReport {
    let mut r = FileReport::new(ev.position, &ev.path);
    let (not_regular, truncated) = match &ev.facts.unloadable {
        Some(Unloadable::NotRegular(kind)) => (Some(*kind), None),
        Some(Unloadable::Truncated(why)) => (None, Some(why)),
        None => (None, None),
    };
    let before = probe::BeforeOpen {
        path: &ev.path,
        not_regular,
        skipped_by: ev.skipped_by.as_deref(),
        untrusted: ev.untrusted.as_ref().map(|why| why as &dyn fmt::Display),
        link_concern: ev.path_concern.as_ref().map(|s| s as &dyn fmt::Display),
        truncated: truncated.map(|why| why as &dyn fmt::Display),
    };
    let before = probe::before_open(&before, strict);
    if let probe::Verdict::Skip(source) = before.verdict {
        // Never opened by the loader: no other check applies.
        fill_from_facts(&mut r, &ev.facts);
        r.notes.extend(ev.not_run.iter().cloned());
        r.status = Status::Skipped(source.to_owned());
        return r;
    }
    r.warnings.extend(before.warnings().map(|w| w.to_string()));
    let mut refusal = match before.verdict {
        probe::Verdict::Refuse(why) => Some(why.to_string()),
        _ => None,
    };
    if let Some(why) = &ev.facts.unread {
        r.notes.push(why.clone());
    }
    let mut dlopen_error = None;
    match &ev.run {
        Some(run) if run.record.opened => {
            r.loaded = run.record.end;
            if run.record.kind.is_some() {
                fill_from_record(&mut r, &run.record);
            } else {
                fill_from_facts(&mut r, &ev.facts);
            }
            r.missing_symbols = run.record.missing.clone();
            if !run.record.end {
                refusal.get_or_insert_with(|| ending_reason(&run.ending, true));
            }
        }
        Some(run) if run.record.end => {
            let err = run.record.dlerror.clone().unwrap_or_default();
            if let Some(not_elf) = &ev.facts.elf_error {
                refusal.get_or_insert_with(|| format!("{not_elf} (dlopen: {err})"));
            } else if is_undefined_symbol_error(&err) {
                fill_from_facts(&mut r, &ev.facts);
                r.missing_symbols = run.record.missing.clone();
                if let Some(sym) = undefined_symbol_in(&err)
                    .filter(|sym| !r.missing_symbols.iter().any(|s| s == sym))
                {
                    r.missing_symbols.insert(0, sym.to_owned());
                }
                r.notes.push(format!(
                    "cannot be loaded outside CRIU (dlopen: {err}); its constructors did not run"
                ));
            } else {
                dlopen_error = Some(err);
            }
        }
        Some(run) => {
            fill_from_facts(&mut r, &ev.facts);
            refusal.get_or_insert_with(|| ending_reason(&run.ending, false));
        }
        None => {
            fill_from_facts(&mut r, &ev.facts);
            if let Some(why) = &ev.not_run {
                r.notes.push(why.clone());
            }
        }
    }
    // The descriptor's symbol, from the loaded image or else the file.
    let bad_symbol = ev
        .run
        .as_ref()
        .and_then(|run| run.record.bad_symbol.clone())
        .or_else(|| match &ev.facts.plugin {
            Some(probe::FilePlugin::Descriptor(d)) => d.bad.as_ref().map(ToString::to_string),
            _ => None,
        })
        .filter(|_| r.kind == Some(Kind::Descriptor));
    let numbers = match (r.version, r.max_hooks) {
        (Some(version), Some(max_hooks)) => probe::check_numbers(
            version,
            max_hooks,
            r.hooks.unwrap_or_default(),
            CR_PLUGIN_HOOK__MAX,
        )
        .err(),
        _ => None,
    };
    let after = probe::AfterOpen {
        path: &ev.path,
        unloadable: dlopen_error.as_ref().map(|e| e as &dyn fmt::Display),
        bad_symbol: bad_symbol.as_ref().map(|b| b as &dyn fmt::Display),
        legacy: r.kind == Some(Kind::Legacy),
        descriptor: numbers.as_ref(),
        ..probe::AfterOpen::default()
    };
    // What the loader would meet once the file is open, unless it never
    // gets that far.
    if refusal.is_none() {
        let after = probe::after_open(&after, strict);
        r.warnings.extend(after.warnings().map(|w| w.to_string()));
        if let probe::Verdict::Refuse(why) = after.verdict {
            refusal = Some(why.to_string());
        }
    }
    if r.kind == Some(Kind::Descriptor) && r.name_known && r.name.is_none() {
        r.notes
            .push("its descriptor has no name: the loader names it by its path".into());
    }
    r.status = match refusal {
        Some(why) => Status::Refused(why),
        None if !r.missing_symbols.is_empty() => Status::NeedsHost,
        None if ev.run.is_none() => Status::NotLoaded,
        None => Status::Loads,
    };
    r
}

/// Groups, as the loader does, the files it would start by plugin name:
/// the files of one name are alternatives, tried in load order. The first
/// is expected to start (the tool calls no init); each later one is an
/// [`Status::Alternative`], which the loader closes without its init unless
/// the ones before it fail theirs. Every member gets the group's files.
pub fn mark_alternatives(files: &mut [FileReport]) {
    let mut groups: Vec<(Vec<u8>, Vec<usize>)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if !f.status.would_load() {
            continue;
        }
        let Some(name) = f.loader_name() else {
            continue;
        };
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, members)) => members.push(i),
            None => groups.push((name, vec![i])),
        }
    }
    for (_, members) in groups.iter().filter(|(_, m)| m.len() > 1) {
        let paths: Vec<Vec<u8>> = members.iter().map(|&i| files[i].path.clone()).collect();
        for (k, &i) in members.iter().enumerate() {
            files[i].alternatives = paths.clone();
            if k > 0 {
                files[i].status = Status::Alternative(paths[0].clone());
            }
        }
    }
}
