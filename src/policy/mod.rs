//! Checks beyond CRIU's own loader, one concern a file: strict mode, which
//! turns the warnings below into refusals (`strict`); the plugins not to
//! load (`skip`); who may write the plugin files and every folder on the
//! way to them (`trust`); whether a plugin's undefined symbols resolve
//! (`imports`).
//!
//! By default these only warn, so every plugin that loads into CRIU today
//! still loads. Nothing here allocates on the loader's paths.

mod imports;
mod skip;
mod strict;
mod trust;

pub use imports::*;
pub use skip::*;
pub use strict::*;
pub use trust::*;
