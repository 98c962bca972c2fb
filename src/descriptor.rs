//! Checking a plugin descriptor before anything of it is used.

use crate::abi::{CR_PLUGIN_HOOK__MAX, CRIU_PLUGIN_VERSION, CrPluginDesc, version_parts};
use crate::hooks::{Hook, HookSet};
use crate::registry;
use std::ffi::CStr;

/// A version number shown as `a.b.c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub u32);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, b, c) = version_parts(self.0);
        write!(f, "{a}.{b}.{c}")
    }
}

/// Why a descriptor is refused, with the values that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The plugin needs a newer interface than this loader's.
    VersionTooNew(u32),
    /// The plugin claims more hook slots than exist.
    TooManyHooks(u32),
    /// The plugin registers a hook the host's `cr_plugin_ctl` has no chain
    /// for (a CRIU linked against an older build of this library).
    HookNotCallable {
        /// The hook.
        hook: Hook,
        /// How many chains the host has.
        host_chains: usize,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Refusal::VersionTooNew(v) => write!(
                f,
                "version {} is newer than the supported {}",
                Version(v),
                Version(CRIU_PLUGIN_VERSION)
            ),
            Refusal::TooManyHooks(n) => {
                write!(
                    f,
                    "max_hooks {n} is more than the supported {CR_PLUGIN_HOOK__MAX}"
                )
            }
            Refusal::HookNotCallable { hook, host_chains } => write!(
                f,
                "it registers hook {} ({}), which this CRIU cannot call: its cr_plugin_ctl has {host_chains} hook chains",
                hook.name(),
                hook.index()
            ),
        }
    }
}

/// What a valid descriptor tells the loader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The plugin's name, `None` when the descriptor has a NULL name.
    pub name: Option<String>,
    /// The hooks it fills in.
    pub hooks: HookSet,
}

/// Checks the numbers of a descriptor, pure.
pub fn check_numbers(
    version: u32,
    max_hooks: u32,
    hooks: HookSet,
    host_chains: usize,
) -> Result<(), Refusal> {
    if version > CRIU_PLUGIN_VERSION {
        return Err(Refusal::VersionTooNew(version));
    }
    if max_hooks as usize > CR_PLUGIN_HOOK__MAX {
        return Err(Refusal::TooManyHooks(max_hooks));
    }
    if let Some(hook) = hooks.hooks().find(|h| h.index() >= host_chains) {
        return Err(Refusal::HookNotCallable { hook, host_chains });
    }
    Ok(())
}

/// Checks the descriptor at `desc`.
///
/// # Safety
/// `desc` points to a readable `cr_plugin_desc_t` whose hooks array has at
/// least `max_hooks` slots when `max_hooks` is within bounds.
pub unsafe fn check(desc: *const CrPluginDesc, host_chains: usize) -> Result<Checked, Refusal> {
    // SAFETY: caller's contract; the hooks are read only once max_hooks is
    // known to be within bounds.
    unsafe {
        let (version, max_hooks) = ((*desc).version, (*desc).max_hooks);
        check_numbers(version, max_hooks, HookSet::empty(), host_chains)?;
        let hooks = registry::filled_hooks(desc);
        check_numbers(version, max_hooks, hooks, host_chains)?;
        Ok(Checked {
            name: name_of(desc),
            hooks,
        })
    }
}

/// The descriptor's name, if it has one.
///
/// # Safety
/// `desc` is readable and its `name` is NULL or a NUL-terminated string.
pub unsafe fn name_of(desc: *const CrPluginDesc) -> Option<String> {
    // SAFETY: caller's contract.
    unsafe {
        let name = (*desc).name;
        (!name.is_null()).then(|| CStr::from_ptr(name).to_string_lossy().into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::gen_version;

    #[test]
    fn accepts_current_and_older_versions() {
        assert_eq!(
            check_numbers(gen_version(0, 2, 0), 15, HookSet::empty(), 15),
            Ok(())
        );
        assert_eq!(
            check_numbers(gen_version(0, 1, 0), 10, HookSet::empty(), 15),
            Ok(())
        );
        assert_eq!(check_numbers(0, 0, HookSet::empty(), 15), Ok(()));
    }

    #[test]
    fn refuses_newer_versions_with_values() {
        let r = check_numbers(gen_version(0, 3, 0), 15, HookSet::empty(), 15).unwrap_err();
        assert_eq!(r, Refusal::VersionTooNew(0x300));
        assert_eq!(
            r.to_string(),
            "version 0.3.0 is newer than the supported 0.2.0"
        );
        assert!(check_numbers(gen_version(0, 2, 1), 15, HookSet::empty(), 15).is_err());
        assert!(check_numbers(gen_version(1, 0, 0), 15, HookSet::empty(), 15).is_err());
    }

    #[test]
    fn refuses_too_many_hooks() {
        let r = check_numbers(0x200, 20, HookSet::empty(), 15).unwrap_err();
        assert_eq!(r.to_string(), "max_hooks 20 is more than the supported 15");
        assert_eq!(
            check_numbers(0x200, 16, HookSet::empty(), 15),
            Err(Refusal::TooManyHooks(16))
        );
    }

    #[test]
    fn refuses_hooks_the_host_cannot_call() {
        let hooks = HookSet::of(Hook::DumpUnixSk) | HookSet::of(Hook::PostForking);
        assert_eq!(check_numbers(0x200, 15, hooks, 15), Ok(()));
        let r = check_numbers(0x200, 15, hooks, 12).unwrap_err();
        assert_eq!(
            r,
            Refusal::HookNotCallable {
                hook: Hook::PostForking,
                host_chains: 12
            }
        );
        assert!(r.to_string().contains("POST_FORKING"));
    }

    #[test]
    fn versions_print_as_triples() {
        assert_eq!(Version(0x200).to_string(), "0.2.0");
        assert_eq!(Version(gen_version(3, 17, 1)).to_string(), "3.17.1");
    }
}
