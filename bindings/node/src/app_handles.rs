//! Numeric handles for application credentials, which the signing and verifying functions
//! take instead of the credentials object.
//!
//! Passing a `#[napi]` class instance into a function costs ~450 ns here (napi-rs registers
//! a borrow in a global map on every call); a `u32` costs ~20 ns. Each
//! `ApplicationCredentials` registers itself on construction and leaves on finalization, so
//! a handle is valid exactly as long as the JS object that carries it.

use sinch_auth as core;
use std::sync::{Arc, RwLock};

/// Slots indexed by `handle - 1`; freed slots are reused (a handle is only ever used while
/// its object is alive, so reuse cannot redirect a live handle).
struct Registry {
    slots: Vec<Option<Arc<core::ApplicationCredentials>>>,
    free: Vec<u32>,
}

static REGISTRY: RwLock<Registry> = RwLock::new(Registry {
    slots: Vec::new(),
    free: Vec::new(),
});

pub fn register(app: Arc<core::ApplicationCredentials>) -> u32 {
    let mut r = REGISTRY.write().unwrap_or_else(|p| p.into_inner());
    if let Some(handle) = r.free.pop() {
        r.slots[handle as usize - 1] = Some(app);
        return handle;
    }
    r.slots.push(Some(app));
    r.slots.len() as u32
}

pub fn release(handle: u32) {
    let mut r = REGISTRY.write().unwrap_or_else(|p| p.into_inner());
    if let Some(slot @ Some(_)) = (handle as usize)
        .checked_sub(1)
        .and_then(|i| r.slots.get_mut(i))
    {
        *slot = None;
        r.free.push(handle);
    }
}

/// The credentials behind `handle`.
pub fn get(handle: u32) -> core::Result<Arc<core::ApplicationCredentials>> {
    let r = REGISTRY.read().unwrap_or_else(|p| p.into_inner());
    lookup(&r, handle).cloned()
}

/// Runs `f` with the credentials behind `handle`, under the registry's read lock (no
/// reference count traffic): `f` must not make JS values (see `hot_path::sign`).
pub fn with<T>(
    handle: u32,
    f: impl FnOnce(&core::ApplicationCredentials) -> core::Result<T>,
) -> core::Result<T> {
    let r = REGISTRY.read().unwrap_or_else(|p| p.into_inner());
    f(lookup(&r, handle)?)
}

fn lookup(r: &Registry, handle: u32) -> core::Result<&Arc<core::ApplicationCredentials>> {
    match (handle as usize)
        .checked_sub(1)
        .and_then(|i| r.slots.get(i))
    {
        Some(Some(app)) => Ok(app),
        _ => Err(core::Error::config(
            "these application credentials are no longer available",
        )),
    }
}
