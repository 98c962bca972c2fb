//! Judging one file as the loader would (pure).

use super::*;

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
    match &facts.descriptor {
        Some(d) => {
            r.kind = Some(Kind::Descriptor);
            r.name_known = d.name.is_some();
            r.name = d.name.clone();
            r.version = d.version;
            r.max_hooks = d.max_hooks;
            r.hooks = Some(d.hooks);
            r.hooks_complete = false;
            r.init = Some(d.init);
            r.exit = Some(d.exit);
        }
        None => {
            fill_legacy(r);
            r.hooks = Some(facts.legacy_hooks);
            r.hooks_complete = true;
            r.init = Some(facts.legacy_init);
            r.exit = Some(facts.legacy_exit);
        }
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

/// Judges one file as the loader would, checks in the loader's order:
/// the file's type, the skip list, trust (the file, the path to a linked
/// file's target), loading, descriptor numbers, (duplicates: see
/// [`mark_duplicates`]), symbols.
pub fn judge(ev: &Evidence, strict: bool) -> FileReport {
    let mut r = FileReport::new(ev.position, &ev.path);
    let mut refusal: Option<String> = None;
    // The loader's order: the file's type, the skip list, trust, a
    // truncated file, then dlopen.
    if let Some(Unloadable::NotRegular(why)) = &ev.facts.unloadable {
        refusal = Some(why.clone());
    } else if let Some(source) = &ev.skipped_by {
        // Never opened by the loader: no other check applies.
        fill_from_facts(&mut r, &ev.facts);
        r.notes.extend(ev.not_run.iter().cloned());
        r.status = Status::Skipped(source.clone());
        return r;
    } else {
        let concerns = [
            ev.untrusted
                .as_ref()
                .map(|why| format!("Plugin file {} {why}", Escaped(&ev.path))),
            ev.path_concern.clone(),
        ];
        for msg in concerns.into_iter().flatten() {
            if strict {
                refusal.get_or_insert_with(|| format!("{msg} (strict mode)"));
            } else {
                r.warnings.push(msg);
            }
        }
    }
    if let Some(Unloadable::Truncated(why)) = &ev.facts.unloadable {
        refusal.get_or_insert_with(|| why.clone());
    }
    if let Some(why) = &ev.facts.unread {
        r.notes.push(why.clone());
    }
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
                refusal.get_or_insert_with(|| format!("Unable to load: {err}"));
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
    // The descriptor's symbol is checked before its fields are used.
    let bad_symbol = ev
        .run
        .as_ref()
        .and_then(|run| run.record.bad_symbol.clone())
        .or_else(|| {
            ev.facts
                .descriptor
                .as_ref()
                .and_then(|d| d.bad_symbol.clone())
        });
    if let (Some(Kind::Descriptor), Some(why)) = (r.kind, bad_symbol) {
        refusal.get_or_insert(why);
    }
    if let (Some(version), Some(max_hooks)) = (r.version, r.max_hooks) {
        if let Err(why) = probe::check_numbers(
            version,
            max_hooks,
            r.hooks.unwrap_or_default(),
            CR_PLUGIN_HOOK__MAX,
        ) {
            refusal.get_or_insert_with(|| why.to_string());
        }
    }
    if r.kind == Some(Kind::Legacy) {
        r.warnings.push(
            "legacy plugin (no CR_PLUGIN_DESC): deprecated; the loader builds a descriptor from its cr_plugin_* symbols"
                .into(),
        );
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

/// Refuses, as the loader does, every file whose plugin name an earlier
/// file the loader would load (neither refused nor skipped) already has.
pub fn mark_duplicates(files: &mut [FileReport]) {
    let mut taken: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for f in files.iter_mut() {
        if !f.status.would_load() {
            continue;
        }
        let Some(name) = f.loader_name() else {
            continue;
        };
        match taken.iter().find(|(n, _)| *n == name) {
            Some((_, first)) => {
                f.status = Status::Refused(format!(
                    "plugin name \"{}\" is already taken by {}",
                    Escaped(&name),
                    Escaped(first)
                ));
                f.duplicate_of = Some(first.clone());
            }
            None => taken.push((name, f.path.clone())),
        }
    }
}
