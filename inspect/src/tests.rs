//! Unit tests of the pure parts: arguments, records, judging, output.

use super::*;
use criu_plugin::abi::gen_version;

fn args(list: &[&str]) -> Result<Command, String> {
    parse_args(list.iter().map(OsString::from))
}

fn loaded_record(name: &str, hooks: HookSet) -> Record {
    Record {
        opened: true,
        kind: Some(Kind::Descriptor),
        name: Some(Some(name.into())),
        version: Some(CRIU_PLUGIN_VERSION),
        max_hooks: Some(15),
        hooks: Some(hooks),
        init: Some(true),
        exit: Some(false),
        end: true,
        ..Record::default()
    }
}

fn evidence(path: &str, record: Option<Record>, ending: Ending) -> Evidence {
    Evidence {
        position: 1,
        path: path.into(),
        facts: FileFacts::default(),
        run: record.map(|record| Run { record, ending }),
        untrusted: None,
        skipped: None,
    }
}

fn static_facts(name: &str, version: u32) -> FileFacts {
    FileFacts {
        descriptor: Some(StaticDescriptor {
            name: Some(name.into()),
            version: Some(version),
            max_hooks: Some(15),
            hooks: HookSet::of(Hook::DumpExtFile),
            init: true,
            exit: false,
            bad_symbol: None,
        }),
        ..FileFacts::default()
    }
}

#[test]
fn json_strings_are_escaped() {
    assert_eq!(json_string("plain"), r#""plain""#);
    assert_eq!(json_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    assert_eq!(json_string("l1\nl2\r\t"), r#""l1\nl2\r\t""#);
    assert_eq!(
        json_string("\u{1}\u{8}\u{c}\u{1f}\u{7f}"),
        r#""\u0001\b\f\u001f\u007f""#
    );
    assert_eq!(json_string("é ✓ \u{2028}"), "\"é ✓ \\u2028\"");
    assert_eq!(json_string(""), r#""""#);
    assert_eq!(json_opt_str(None), "null");
    assert_eq!(json_strings(&["a", "\"b"]), r#"["a", "\"b"]"#);
    assert_eq!(json_strings::<&str>(&[]), "[]");
}

#[test]
fn record_values_round_trip() {
    for v in [
        "",
        "x",
        "a b",
        "back\\slash",
        "new\nline",
        "\\n literal",
        "end\\",
    ] {
        assert_eq!(unescape_value(&escape_value(v)), v, "{v:?}");
        assert!(!escape_value(v).contains('\n'));
    }
    assert_eq!(record_line("end", None), "end\n");
    assert_eq!(record_line("name", Some("a\nb")), "name a\\nb\n");
}

#[test]
fn records_parse() {
    let text = [
        record_line("opened", None),
        record_line("descriptor", None),
        record_line("version", Some("512")),
        record_line("max_hooks", Some("15")),
        record_line("init", Some("1")),
        record_line("exit", Some("0")),
        record_line("name", Some("odd name\nwith newline")),
        record_line("hooks", Some(&(1u32 << 12 | 1).to_string())),
        record_line("missing", Some("opts")),
        record_line("missing", Some("print_on_level")),
        record_line("something-new", Some("ignored")),
        record_line("end", None),
    ]
    .concat();
    let r = Record::parse(&text);
    assert!(r.opened && r.end);
    assert_eq!(r.kind, Some(Kind::Descriptor));
    assert_eq!(r.name, Some(Some("odd name\nwith newline".into())));
    assert_eq!((r.version, r.max_hooks), (Some(0x200), Some(15)));
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));
    assert_eq!(
        r.hooks,
        Some(HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking))
    );
    assert_eq!(r.missing, ["opts", "print_on_level"]);

    // A child that died mid-line: the torn line is dropped.
    let torn = Record::parse("opened\ndescriptor\nversion 51");
    assert!(torn.opened && !torn.end);
    assert_eq!(torn.version, None);
    assert_eq!(Record::parse("noname\n").name, Some(None));
    assert_eq!(Record::parse(""), Record::default());
    assert_eq!(
        Record::parse("dlerror x.so: invalid ELF header\nend\n").dlerror,
        Some("x.so: invalid ELF header".into())
    );
}

#[test]
fn signals_and_endings_read_well() {
    assert_eq!(signal_name(11), "SIGSEGV");
    assert_eq!(signal_name(6), "SIGABRT");
    assert_eq!(signal_name(7), "SIGBUS");
    assert_eq!(signal_name(9), "SIGKILL");
    assert_eq!(signal_name(0), "?");
    assert_eq!(signal_name(64), "?");
    assert_eq!(signal_name(-1), "?");
    assert_eq!(
        ending_reason(&Ending::Signalled(11), false),
        "crashed in its constructors: signal 11 (SIGSEGV)"
    );
    assert_eq!(
        ending_reason(&Ending::Signalled(7), true),
        "crashed while its descriptor was read: signal 7 (SIGBUS)"
    );
    assert_eq!(
        ending_reason(&Ending::Exited(3), false),
        "called exit(3) in its constructors, which would end CRIU"
    );
    assert_eq!(
        ending_reason(&Ending::TimedOut(Duration::from_secs(10)), false),
        "still running after 10 s in its constructors (hangs?)"
    );
    assert_eq!(
        ending_reason(&Ending::TimedOut(Duration::from_millis(1500)), false),
        "still running after 1.5 s in its constructors (hangs?)"
    );
}

#[test]
fn undefined_symbols_in_dlerror() {
    let e = "/x/p.so: undefined symbol: opts";
    assert!(is_undefined_symbol_error(e));
    assert_eq!(undefined_symbol_in(e), Some("opts"));
    assert_eq!(
        undefined_symbol_in("/x/p.so: undefined symbol: foo, version GLIBC_9"),
        Some("foo")
    );
    assert!(!is_undefined_symbol_error("/x/p.so: invalid ELF header"));
    assert_eq!(undefined_symbol_in("/x/p.so: invalid ELF header"), None);
}

#[test]
fn command_lines() {
    assert_eq!(args(&[]), Ok(Command::Inspect(Options::default())));
    let Ok(Command::Inspect(o)) = args(&["--json", "--strict", "/p", "--load-untrusted"]) else {
        panic!("options")
    };
    assert!(o.json && o.strict && o.load_untrusted);
    assert_eq!(o.folder, Some(PathBuf::from("/p")));
    assert_eq!(o.timeout, DEFAULT_TIMEOUT);
    let Ok(Command::Inspect(o)) = args(&["--timeout", "2.5"]) else {
        panic!("--timeout")
    };
    assert_eq!(o.timeout, Duration::from_millis(2500));
    let Ok(Command::Inspect(o)) = args(&["--timeout=3", "--", "-odd"]) else {
        panic!("--timeout=, --")
    };
    assert_eq!(o.timeout, Duration::from_secs(3));
    assert_eq!(o.folder, Some(PathBuf::from("-odd")));
    assert_eq!(args(&["-h"]), Ok(Command::Help));
    assert_eq!(args(&["/p", "--help"]), Ok(Command::Help));
    assert_eq!(args(&["-V"]), Ok(Command::Version));
    assert!(
        args(&["--bogus"])
            .unwrap_err()
            .contains("unknown option '--bogus'")
    );
    assert!(args(&["/a", "/b"]).unwrap_err().contains("only one FOLDER"));
    assert!(args(&["--timeout"]).is_err());
    assert!(args(&["--timeout", "0"]).is_err());
    assert!(args(&["--timeout", "-1"]).is_err());
    assert!(args(&["--timeout=soon"]).is_err());
}

#[test]
fn help_is_complete() {
    let h = help_text();
    for needle in [
        "--json",
        "--strict",
        "--load-untrusted",
        "--timeout SECONDS",
        "-h, --help",
        "-V, --version",
        "CRIU_LIBS_DIR",
        probe::STRICT_ENV,
        probe::DEFAULT_PLUGIN_DIR,
        "secure-execution",
        "Exit status",
        "usage error",
        "needs-host",
        "not-loaded",
        "refused",
        "max_hooks",
        "legacy",
        "a.b.c",
        "\"missing_symbols\"",
    ] {
        assert!(h.contains(needle), "--help lacks {needle}");
    }
    assert!(
        h.lines().all(|l| l.chars().count() <= 80),
        "--help fits in 80 columns"
    );
}

#[test]
fn judges_a_good_plugin() {
    let hooks = HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking);
    let r = judge(
        &evidence(
            "/d/a.so",
            Some(loaded_record("good", hooks)),
            Ending::Exited(0),
        ),
        false,
    );
    assert_eq!(r.status, Status::Loads);
    assert_eq!(r.file, "a.so");
    assert_eq!(r.name.as_deref(), Some("good"));
    assert_eq!(r.hooks, Some(hooks));
    assert!(r.hooks_complete && r.loaded);
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));
    assert_eq!(r.loader_name().as_deref(), Some("good"));
}

#[test]
fn judges_refusals_in_the_loaders_order() {
    let mut rec = loaded_record("new", HookSet::empty());
    rec.version = Some(gen_version(0, 3, 0));
    let r = judge(&evidence("/d/n.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(
        r.status,
        Status::Refused("version 0.3.0 is newer than the supported 0.2.0".into())
    );

    let mut rec = loaded_record("big", HookSet::empty());
    rec.max_hooks = Some(20);
    rec.hooks = None;
    let r = judge(&evidence("/d/b.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(
        r.status,
        Status::Refused("max_hooks 20 is more than the supported 15".into())
    );
    assert_eq!(r.hooks, None);

    // Trust comes first; in strict mode it is the reason.
    let mut ev = evidence(
        "/d/u.so",
        Some(loaded_record("u", HookSet::empty())),
        Ending::Exited(0),
    );
    ev.untrusted = Some("is writable by others (mode 0646)".into());
    assert_eq!(judge(&ev, false).status, Status::Loads);
    assert_eq!(
        judge(&ev, false).warnings,
        ["Plugin file /d/u.so is writable by others (mode 0646)"]
    );
    assert_eq!(
        judge(&ev, true).status,
        Status::Refused(
            "Plugin file /d/u.so is writable by others (mode 0646) (strict mode)".into()
        )
    );
}

#[test]
fn judges_files_that_do_not_load() {
    // Not ELF.
    let mut ev = evidence(
        "/d/e.so",
        Some(Record {
            dlerror: Some("/d/e.so: file too short".into()),
            end: true,
            ..Record::default()
        }),
        Ending::Exited(0),
    );
    ev.facts = FileFacts::unusable("not an ELF file");
    let r = judge(&ev, false);
    assert_eq!(
        r.status,
        Status::Refused("not an ELF file (dlopen: /d/e.so: file too short)".into())
    );
    assert_eq!(r.kind, None);

    // Another dlopen error.
    ev.facts = FileFacts::default();
    ev.run.as_mut().unwrap().record.dlerror =
        Some("libdrm.so.2: cannot open shared object file".into());
    assert_eq!(
        judge(&ev, false).status,
        Status::Refused("Unable to load: libdrm.so.2: cannot open shared object file".into())
    );

    // A crash in the constructors still shows what the file says.
    let mut ev = evidence("/d/c.so", Some(Record::default()), Ending::Signalled(11));
    ev.facts = static_facts("crash", CRIU_PLUGIN_VERSION);
    let r = judge(&ev, false);
    assert_eq!(
        r.status,
        Status::Refused("crashed in its constructors: signal 11 (SIGSEGV)".into())
    );
    assert_eq!(r.name.as_deref(), Some("crash"));
    assert!(!r.loaded && !r.hooks_complete);

    // Crashed after dlopen returned.
    let rec = Record {
        opened: true,
        kind: Some(Kind::Descriptor),
        ..Record::default()
    };
    let r = judge(&evidence("/d/c.so", Some(rec), Ending::Signalled(7)), false);
    assert_eq!(
        r.status,
        Status::Refused("crashed while its descriptor was read: signal 7 (SIGBUS)".into())
    );
}

#[test]
fn judges_plugins_that_need_criu() {
    // Data symbol: dlopen fails; the file is read instead.
    let mut ev = evidence(
        "/d/g.so",
        Some(Record {
            dlerror: Some("/d/g.so: undefined symbol: opts".into()),
            missing: vec!["print_on_level".into()],
            end: true,
            ..Record::default()
        }),
        Ending::Exited(0),
    );
    ev.facts = static_facts("gpu", CRIU_PLUGIN_VERSION);
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::NeedsHost);
    assert_eq!(r.missing_symbols, ["opts", "print_on_level"]);
    assert_eq!(r.name.as_deref(), Some("gpu"));
    assert_eq!(r.hooks, Some(HookSet::of(Hook::DumpExtFile)));
    assert!(!r.hooks_complete && !r.loaded);
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));

    // ... and it is still refused when what the file says is wrong.
    ev.facts = static_facts("gpu", gen_version(1, 0, 0));
    assert_eq!(
        judge(&ev, false).status,
        Status::Refused("version 1.0.0 is newer than the supported 0.2.0".into())
    );

    // Functions only: loads lazily, hooks known.
    let mut rec = loaded_record("fn", HookSet::of(Hook::RestoreExtFile));
    rec.missing = vec!["print_on_level".into()];
    let r = judge(&evidence("/d/k.so", Some(rec), Ending::Exited(0)), false);
    assert_eq!(r.status, Status::NeedsHost);
    assert!(r.loaded && r.hooks_complete);
}

#[test]
fn judges_legacy_and_untrusted_files_from_the_file() {
    let mut ev = evidence("/d/l.so", None, Ending::Exited(0));
    ev.facts = FileFacts {
        legacy_hooks: HookSet::of(Hook::DumpExtFile),
        legacy_init: true,
        ..FileFacts::default()
    };
    ev.untrusted = Some("is writable by its group (mode 0664)".into());
    ev.skipped = Some("not loaded".into());
    let r = judge(&ev, false);
    assert_eq!(r.status, Status::NotLoaded);
    assert_eq!(r.kind, Some(Kind::Legacy));
    assert_eq!(r.name.as_deref(), Some("/d/l.so"));
    assert_eq!(r.version, Some(CRIU_PLUGIN_VERSION_OLD));
    assert_eq!(r.hooks, Some(HookSet::of(Hook::DumpExtFile)));
    assert!(r.hooks_complete);
    assert_eq!((r.init, r.exit), (Some(true), Some(false)));
    assert_eq!(r.warnings.len(), 2);
    assert!(judge(&ev, true).status.is_refused());
}

fn named(position: usize, path: &str, name: Option<&str>, status: Status) -> FileReport {
    let mut f = FileReport::new(position, path);
    f.kind = Some(Kind::Descriptor);
    f.name = name.map(Into::into);
    f.name_known = true;
    f.status = status;
    f
}

#[test]
fn duplicates_name_the_first_file() {
    let mut files = vec![
        named(1, "/d/0.so", Some("twin"), Status::Refused("bad".into())),
        named(2, "/d/a.so", Some("twin"), Status::Loads),
        named(3, "/d/b.so", Some("other"), Status::NeedsHost),
        named(4, "/d/c.so", Some("twin"), Status::Loads),
        named(5, "/d/d.so", Some("twin"), Status::NotLoaded),
        named(6, "/d/e.so", None, Status::Loads),
        named(7, "/d/f.so", Some("/d/e.so"), Status::Loads),
    ];
    let mut unknown = FileReport::new(8, "/d/g.so");
    unknown.kind = Some(Kind::Descriptor);
    files.push(unknown);
    mark_duplicates(&mut files);
    let verdicts: Vec<_> = files.iter().map(|f| f.status.word()).collect();
    assert_eq!(
        verdicts,
        [
            "refused",
            "loads",
            "needs-host",
            "refused",
            "refused",
            "loads",
            "refused",
            "loads"
        ]
    );
    assert_eq!(
        files[3].status,
        Status::Refused("plugin name \"twin\" is already taken by /d/a.so".into())
    );
    assert_eq!(files[4].duplicate_of.as_deref(), Some("/d/a.so"));
    // A nameless descriptor goes by its path, as in the loader.
    assert_eq!(files[6].duplicate_of.as_deref(), Some("/d/e.so"));
}

fn sample_report() -> Report {
    let mut good = named(1, "/d/a.so", Some("good \"one\""), Status::Loads);
    good.version = Some(CRIU_PLUGIN_VERSION);
    good.max_hooks = Some(15);
    good.hooks = Some(HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking));
    good.hooks_complete = true;
    good.init = Some(true);
    good.exit = Some(false);
    good.loaded = true;
    let mut bad = named(
        2,
        "/d/b.so",
        Some("b"),
        Status::Refused("version 0.3.0 is newer than the supported 0.2.0".into()),
    );
    bad.version = Some(gen_version(0, 3, 0));
    bad.warnings.push("a\tb\nc".into());
    Report {
        folder: Some("/d".into()),
        source: Some("command line"),
        folder_error: None,
        warnings: vec![],
        notes: vec![],
        strict: false,
        files: vec![good, bad],
    }
}

#[test]
fn json_report() {
    let j = render_json(&sample_report());
    for needle in [
        r#""folder": "/d","#,
        r#""folder_source": "command line","#,
        r#""supported_version": "0.2.0","#,
        r#""summary": {"candidates": 2, "loads": 1, "needs_host": 0, "not_loaded": 0, "refused": 1},"#,
        r#""first_refused": "/d/b.so","#,
        r#""exit_status": 1,"#,
        r#""name": "good \"one\"","#,
        r#""hooks": ["DUMP_UNIX_SK", "POST_FORKING"],"#,
        r#""init": "present","#,
        r#""exit": "absent","#,
        r#""reason": "version 0.3.0 is newer than the supported 0.2.0","#,
        r#""version": "0.3.0","#,
        r#""version_number": 768,"#,
        r#""max_hooks": null,"#,
        r#""hooks": null,"#,
        r#""warnings": ["a\tb\nc"],"#,
    ] {
        assert!(j.contains(needle), "JSON lacks {needle}:\n{j}");
    }
    assert_eq!(j.matches('{').count(), j.matches('}').count());
    assert_eq!(j.matches('[').count(), j.matches(']').count());
    assert!(!j.contains(",\n  }") && !j.contains(",\n    }"));
    let empty = Report {
        files: vec![],
        folder: None,
        source: None,
        ..sample_report()
    };
    assert!(render_json(&empty).contains("\"plugins\": []\n}"));
    assert!(render_json(&empty).contains("\"folder\": null,"));
}

#[test]
fn text_report() {
    let t = render_human(&sample_report());
    for needle in [
        "Plugin folder: /d (from command line)\n",
        "Loader: plugin versions up to 0.2.0, 15 hooks; strict mode off\n",
        "1. a.so\n",
        "   status     loads\n",
        "   name       good \"one\"\n",
        "   hooks      DUMP_UNIX_SK, POST_FORKING\n",
        "   init       present (not called)\n",
        "   exit       absent\n",
        "2. b.so\n",
        "   status     refused: version 0.3.0 is newer than the supported 0.2.0\n",
        "   version    0.3.0\n",
        "   hooks      (unknown)\n",
        "Summary: 2 candidate files: 1 load, 1 refused.\n",
        "would fail at b.so (the first refused file)",
    ] {
        assert!(t.contains(needle), "text lacks {needle:?}:\n{t}");
    }
}

#[test]
fn exit_statuses() {
    let mut r = sample_report();
    assert_eq!(r.exit_status(), 1);
    r.files.truncate(1);
    assert_eq!(r.exit_status(), 0);
    r.files[0].status = Status::NeedsHost;
    assert_eq!(r.exit_status(), 0);
    r.folder_error = Some("Unable to open directory /d".into());
    assert_eq!(r.exit_status(), 1);
}
