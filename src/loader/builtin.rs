//! Plugins compiled into the host: registered once, then checked,
//! initialised and chained at every `cr_plugin_init` before the folder's.

use super::{InitError, InitFailed, fail, file, reserve, start};
use crate::abi::CrPluginDesc;
use crate::descriptor;
use crate::escape::Escaped;
use crate::policy::SkipList;
use crate::registry::{self, Accepted, BuiltinDesc, Origin, Registry};
use crate::{ctl, reentry};
use std::ffi::{CStr, c_int};
use std::ptr::NonNull;

/// Registers the built-in plugin `desc` (`cr_plugin_register_builtin`):
/// `false` when it is registered already, memory runs out, or plugin code
/// calls in.
pub(crate) fn register(desc: NonNull<CrPluginDesc>) -> bool {
    if let Err(refused) = reentry::check("cr_plugin_register_builtin") {
        log::error!("{refused}");
        return false;
    }
    let mut reg = registry::write();
    if reg.builtins.try_reserve(1).is_err() || reg.builtins.iter().any(|b| b.0 == desc) {
        return false;
    }
    reg.builtins.push(BuiltinDesc(desc));
    true
}

/// Starts every registered built-in that `skip` does not name, in
/// registration order.
/// A built-in is the first alternative of its name: when its init fails,
/// a file of the plugin folder `folder` of that name is tried in its turn.
pub(super) fn load_all(
    reg: &mut Registry,
    stage_value: c_int,
    folder: Option<&CStr>,
    mut skip: Option<&mut SkipList>,
) -> Result<(), InitError> {
    let builtins = reg.builtins.len();
    reserve(reg, builtins)?;
    for i in 0..builtins {
        let desc = reg.builtins[i].0;
        // SAFETY: the host keeps registered descriptors alive; the name is
        // NULL or a C string.
        let name = unsafe { (*desc.as_ptr()).name };
        // SAFETY: as above.
        let name = (!name.is_null()).then(|| unsafe { CStr::from_ptr(name) }.to_bytes());
        if let (Some(skip), Some(name)) = (skip.as_deref_mut(), name) {
            if skip.names(b"", Some(name)).is_some() {
                log::info!(
                    "Skipping built-in plugin \"{}\": named in {}",
                    Escaped(name),
                    skip.source()
                );
                continue;
            }
        }
        let skip = skip.as_deref();
        let mut tried = file::Tried::default();
        load_builtin(reg, stage_value, desc, &mut |failed| {
            let next = folder.and_then(|f| file::alternative_in(f, failed.name.to_bytes(), skip));
            tried.after(failed, next.as_deref())
        })?;
    }
    Ok(())
}

fn load_builtin(
    reg: &mut Registry,
    stage_value: c_int,
    desc: NonNull<CrPluginDesc>,
    on_failure: &mut dyn FnMut(&InitFailed<'_>) -> Result<(), InitError>,
) -> Result<(), InitError> {
    let desc = desc.as_ptr();
    // SAFETY: the host registered this descriptor and keeps it alive
    // (cr_plugin_register_builtin's contract).
    let checked = unsafe { descriptor::check(desc, ctl::host_chains()) }.map_err(|r| {
        fail(
            InitError::Plugin,
            format_args!("Refusing plugin (built-in): {r}"),
        )
    })?;
    let plugin = Accepted {
        desc,
        synthesised: None,
        hooks: checked.hooks,
        origin: Origin::Builtin,
    };
    if let Some(name) = plugin.name().filter(|name| reg.find(name).is_some()) {
        return Err(fail(
            InitError::Plugin,
            format_args!(
                "Refusing built-in plugin \"{}\": the name is already taken",
                Escaped(name.to_bytes())
            ),
        ));
    }
    start(reg, stage_value, plugin, on_failure)
}
