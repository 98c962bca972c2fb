//! The child process: load one plugin, report on it, and be waited for.

use super::*;

/// Writes record lines straight to the pipe, unbuffered, so what was
/// written before a crash reaches the parent.
pub(crate) struct RecordWriter(c_int);

impl RecordWriter {
    fn put(&self, key: &str, value: Option<&[u8]>) {
        let line = record_line(key, value);
        let mut rest = &line[..];
        while !rest.is_empty() {
            // SAFETY: `rest` is a live byte slice; the fd is our pipe's write end.
            let n = unsafe { libc::write(self.0, rest.as_ptr().cast(), rest.len()) };
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            if n <= 0 {
                return;
            }
            rest = &rest[n as usize..];
        }
    }
}

/// Loads `path` and reports on it; never returns.
pub(crate) fn child_main(path: &CStr, fd: c_int) -> ! {
    // SAFETY: plain system calls on this process: no core files for plugins
    // that crash, and the plugins' chatter goes to stderr, never into the
    // tool's stdout (which may be JSON).
    unsafe {
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        libc::dup2(2, 1);
    }
    let out = RecordWriter(fd);
    // SAFETY: running the plugin's constructors in this child is the
    // purpose of the child; a plugin that misbehaves only takes it down.
    match unsafe { Library::open(path, libc::RTLD_LAZY) } {
        Ok(library) => {
            out.put("opened", None);
            describe(&library, &out);
            for sym in probe::missing_symbols(&library) {
                out.put("missing", Some(sym.as_bytes()));
            }
            // Never dlclose: that would run the plugin's destructors.
            std::mem::forget(library);
        }
        Err(e) => {
            out.put("dlerror", Some(e.as_bytes()));
            if is_undefined_symbol_error(&e) {
                for sym in unresolved_in_file(path) {
                    out.put("missing", Some(sym.as_bytes()));
                }
            }
        }
    }
    out.put("end", None);
    // SAFETY: _exit ends the child at once, without running atexit handlers
    // or the plugin's destructors.
    unsafe { libc::_exit(0) }
}

/// Reports the loaded plugin's descriptor (or the one the loader would
/// build for a legacy plugin), the way the loader reads it.
pub(crate) fn describe(library: &Library, out: &RecordWriter) {
    let bit = |b: bool| Some(if b { &b"1"[..] } else { b"0" });
    let number = |n: u32| n.to_string().into_bytes();
    match library.symbol(c"CR_PLUGIN_DESC") {
        Some(sym) => {
            out.put("descriptor", None);
            // The symbol table's word on it, when the plugin defines it
            // itself (not one of its dependencies), before any field is read.
            let size = match library.own_symbol_entry(c"CR_PLUGIN_DESC") {
                Some((entry, _)) => {
                    if let Err(bad) = probe::check_symbol_kind(&entry) {
                        out.put("bad_symbol", Some(bad.to_string().as_bytes()));
                        return;
                    }
                    Some(entry.size)
                }
                None => None,
            };
            let desc = sym.cast::<CrPluginDesc>().as_ptr();
            // SAFETY: by the plugin ABI, CR_PLUGIN_DESC is a cr_plugin_desc_t,
            // and when the plugin's symbol table gives its size, it holds
            // at least these fields (checked above); the library stays
            // loaded. A plugin that lies can only crash this child, which
            // the parent reports.
            let (version, max_hooks, init, exit) = unsafe {
                (
                    (*desc).version,
                    (*desc).max_hooks,
                    (*desc).init.is_some(),
                    (*desc).exit.is_some(),
                )
            };
            out.put("version", Some(&number(version)));
            out.put("max_hooks", Some(&number(max_hooks)));
            out.put("init", bit(init));
            out.put("exit", bit(exit));
            // SAFETY: as above; the name is NULL or a C string, read as
            // its bytes.
            let name = unsafe { (*desc).name };
            if name.is_null() {
                out.put("noname", None);
            } else {
                // SAFETY: a non-NULL name is a C string (the plugin ABI).
                out.put("name", Some(unsafe { CStr::from_ptr(name) }.to_bytes()));
            }
            // The loader reads only max_hooks slots, never past its own
            // count, and only of a symbol big enough to hold them.
            let readable = match size {
                Some(size) => match probe::check_symbol_size(size, max_hooks) {
                    Ok(()) => true,
                    Err(bad) => {
                        out.put("bad_symbol", Some(bad.to_string().as_bytes()));
                        false
                    }
                },
                None => max_hooks as usize <= CR_PLUGIN_HOOK__MAX,
            };
            if readable {
                // SAFETY: the hooks array holds min(max_hooks, MAX) slots:
                // the symbol's size checked above, or the plugin ABI.
                let hooks = unsafe { probe::filled_hooks(desc) };
                out.put("hooks", Some(hooks.bits().to_string().as_bytes()));
            }
        }
        None => {
            out.put("legacy", None);
            let parts = probe::LegacyParts::of(library);
            out.put("init", bit(parts.init.is_some()));
            out.put("exit", bit(parts.exit.is_some()));
            out.put(
                "hooks",
                Some(parts.hook_set().bits().to_string().as_bytes()),
            );
        }
    }
}

/// For a file `dlopen` refused over an undefined symbol: every undefined,
/// non-weak symbol of its `.dynsym` that neither this process nor the
/// file's own dependencies provide.
pub(crate) fn unresolved_in_file(path: &CStr) -> Vec<String> {
    let p = Path::new(OsStr::from_bytes(path.to_bytes()));
    let Ok(elf) = ElfFile::open(p, READ_LIMIT) else {
        return Vec::new();
    };
    let Some(dynamic) = elf.dynamic() else {
        return Vec::new();
    };
    let folder = p.parent().unwrap_or(Path::new("."));
    let deps: Vec<Library> = dynamic
        .needed()
        .filter_map(|name| {
            // SAFETY: this runs in the child, whose purpose is to load the
            // plugin; its dependencies' constructors run when it loads anyway.
            unsafe { Library::open(name, libc::RTLD_LAZY) }
                .or_else(|e| {
                    // A dependency beside the plugin ($ORIGIN).
                    let beside = folder.join(OsStr::from_bytes(name.to_bytes()));
                    let beside = CString::new(beside.into_os_string().into_vec()).map_err(|_| e)?;
                    // SAFETY: as above.
                    unsafe { Library::open(&beside, libc::RTLD_LAZY) }
                })
                .ok()
        })
        .collect();
    dynamic
        .symbols()
        .filter(|(s, _)| !s.is_defined() && !s.is_weak())
        .filter(|(_, name)| {
            probe::global_symbol(name).is_none() && deps.iter().all(|d| d.symbol(name).is_none())
        })
        .map(|(_, name)| name.to_string_lossy().into_owned())
        .collect()
}

pub(crate) fn close(fd: c_int) {
    // SAFETY: closing a descriptor this module opened and owns.
    unsafe { libc::close(fd) };
}

/// Loads `path` in a child process and collects its record, killing it
/// after `timeout`.
///
/// # Safety
/// The process is single-threaded: the child is forked and then runs code
/// (the dynamic linker, the plugin's constructors) that would deadlock on a
/// lock another thread held at the fork.
pub(crate) unsafe fn run_child(path: &CStr, timeout: Duration) -> Run {
    let failed = |what: &str| Run {
        record: Record::default(),
        ending: Ending::Failed(format!("{what}: {}", std::io::Error::last_os_error())),
    };
    let mut fds = [0 as c_int; 2];
    // SAFETY: pipe2 writes two descriptors into the two-element array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return failed("pipe");
    }
    let [read_end, write_end] = fds;
    // Nothing may sit in our stdout buffer: the child must not print it again.
    let _ = std::io::stdout().flush();
    // SAFETY: the tool is single-threaded (see the module docs), so the
    // child may allocate and call dlopen; it leaves only through _exit.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        close(read_end);
        close(write_end);
        return failed("fork");
    }
    if pid == 0 {
        close(read_end);
        child_main(path, write_end);
    }
    close(write_end);
    let deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    let mut timed_out = false;
    loop {
        if bytes.ends_with(b"\nend\n") || bytes == b"end\n" {
            break;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            timed_out = true;
            break;
        }
        let mut pfd = libc::pollfd {
            fd: read_end,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = left.as_millis().clamp(1, c_int::MAX as u128) as c_int;
        // SAFETY: one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        if rc < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break;
        }
        if rc == 0 {
            continue;
        }
        let mut chunk = [0u8; 4096];
        // SAFETY: reading into a local buffer of the given length.
        let n = unsafe { libc::read(read_end, chunk.as_mut_ptr().cast(), chunk.len()) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break;
        }
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n as usize]);
    }
    close(read_end);
    let status = wait_for(pid, if timed_out { Instant::now() } else { deadline });
    let record = Record::parse(&bytes);
    let ending = match status {
        None => Ending::TimedOut(timeout),
        Some(s) if libc::WIFSIGNALED(s) => Ending::Signalled(libc::WTERMSIG(s)),
        Some(s) => Ending::Exited(libc::WEXITSTATUS(s)),
    };
    Run { record, ending }
}

/// Reaps `pid`, killing it if it is still running at `deadline`. `None`:
/// it had to be killed.
pub(crate) fn wait_for(pid: libc::pid_t, deadline: Instant) -> Option<c_int> {
    let mut status: c_int = 0;
    loop {
        // SAFETY: waiting for our own child; status is a valid out-pointer.
        let rc = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if rc == pid {
            return Some(status);
        }
        if rc < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return Some(status);
        }
        if Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: killing and reaping our own child, not yet reaped.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
        while libc::waitpid(pid, &mut status, 0) < 0
            && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
        {}
    }
    None
}
