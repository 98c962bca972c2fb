//! The command line (args.rs) and the file operand (main.rs): options,
//! `--help`, `--skip`, and the folder of a file named on the command line.

use super::*;

#[test]
fn command_lines() {
    assert_eq!(args(&[]), Ok(Command::Inspect(Options::default())));
    let Ok(Command::Inspect(o)) = args(&["--json", "--strict", "/p", "--load-untrusted"]) else {
        panic!("options")
    };
    assert!(o.json && o.strict && o.load_untrusted);
    assert_eq!(o.target, Some(PathBuf::from("/p")));
    assert_eq!(o.images, None);
    assert_eq!(o.timeout, DEFAULT_TIMEOUT);
    let Ok(Command::Inspect(o)) = args(&["--timeout", "2.5"]) else {
        panic!("--timeout")
    };
    assert_eq!(o.timeout, Duration::from_millis(2500));
    let Ok(Command::Inspect(o)) = args(&["--timeout=3", "--", "-odd"]) else {
        panic!("--timeout=, --")
    };
    assert_eq!(o.timeout, Duration::from_secs(3));
    assert_eq!(o.target, Some(PathBuf::from("-odd")));
    assert_eq!(args(&["-h"]), Ok(Command::Help));
    assert_eq!(args(&["/p", "--help"]), Ok(Command::Help));
    assert_eq!(args(&["-V"]), Ok(Command::Version));
    assert!(
        args(&["--bogus"])
            .unwrap_err()
            .contains("unknown option '--bogus'")
    );
    assert!(args(&["/a", "/b"]).unwrap_err().contains("only one FOLDER"));
    let Ok(Command::Inspect(o)) = args(&["--images", "/img", "/p"]) else {
        panic!("--images")
    };
    assert_eq!(o.images, Some(PathBuf::from("/img")));
    assert_eq!(o.target, Some(PathBuf::from("/p")));
    let Ok(Command::Inspect(o)) = args(&["--images=/i"]) else {
        panic!("--images=")
    };
    assert_eq!((o.images, o.target), (Some(PathBuf::from("/i")), None));
    assert!(args(&["--images"]).unwrap_err().contains("--images needs"));
    assert!(args(&["--images="]).is_err());
    // What came from the command line is escaped in the message.
    assert!(
        args(&["/a", "/b\n\x1b[2J"])
            .unwrap_err()
            .contains("'/b\\n\\x1b[2J'")
    );
    assert!(args(&["--\x1b"]).unwrap_err().contains("'--\\x1b'"));
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
        probe::STRICT_ENV.to_str().unwrap(),
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
fn skip_option() {
    let Ok(Command::Inspect(o)) = args(&["--skip", "a,b.so", "/p"]) else {
        panic!("--skip")
    };
    assert_eq!(o.skip, Some(OsString::from("a,b.so")));
    assert_eq!(o.target, Some(PathBuf::from("/p")));
    let Ok(Command::Inspect(o)) = args(&["--skip="]) else {
        panic!("--skip=")
    };
    assert_eq!(o.skip, Some(OsString::new()));
    assert!(
        args(&["--skip"])
            .unwrap_err()
            .contains("--skip needs a value")
    );
    assert_eq!(
        parse_args(Vec::<OsString>::new()),
        Ok(Command::Inspect(Options::default()))
    );
}

#[test]
fn file_operands() {
    assert_eq!(folder_of(Path::new("x.so")), PathBuf::from("."));
    assert_eq!(folder_of(Path::new("/d/x.so")), PathBuf::from("/d"));
    assert_eq!(folder_of(Path::new("/x.so")), PathBuf::from("/"));
    assert_eq!(with_slash(Path::new("x.so")), PathBuf::from("./x.so"));
    assert_eq!(with_slash(Path::new("d/x.so")), PathBuf::from("d/x.so"));
    assert!(names_a_file(Path::new("/dev/null")));
    assert!(!names_a_file(Path::new("/")));
    assert!(!names_a_file(Path::new("/does/not/exist")));
}
