//! A mock platform that records every call and answers from tables.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    unreachable_pub,
    missing_docs,
    clippy::std_instead_of_core,
    dead_code
)]

use std::collections::HashMap;
use suit_verify::crypto::{DigestAlg, MAX_DIGEST};
use suit_verify::platform::{Component, Directive, PlatformResult, Record, VendorId};
use suit_verify::{Platform, PlatformError};

#[derive(Default)]
pub struct Mock {
    pub vendors: Vec<[u8; 16]>,
    pub classes: Vec<[u8; 16]>,
    pub devices: Vec<[u8; 16]>,
    pub slots: HashMap<usize, u64>,
    /// Component contents (read through `read`, sized by `component_size`).
    pub contents: HashMap<usize, Vec<u8>>,
    /// Known digests (fast path), for vectors whose images have no pre-image.
    pub digests: HashMap<usize, Vec<u8>>,
    /// Whether `component_size` reports the content length (a file).
    pub intrinsic_size: bool,
    /// Answers for fetch, by call number (missing = Ok).
    pub fetch_answers: Vec<PlatformResult<()>>,
    pub fail_directive: Option<(Directive, PlatformError)>,
    pub unsupported: Vec<Directive>,
    pub custom_answer: Option<PlatformResult<bool>>,
    pub calls: Vec<String>,
    pub records: Vec<Record>,
    pub fetches: usize,
    /// A broken `read`: it writes nothing and claims one byte more than asked.
    pub overclaiming_read: bool,
    /// `supports_component` answers for identifiers: those listed get the
    /// answer given; any other is supported. Asked identifiers are recorded
    /// in `component_queries`, not in `calls` (a question, not an effect).
    pub component_answers: Vec<(Vec<u8>, PlatformResult<bool>)>,
    pub component_queries: Vec<usize>,
}

impl Mock {
    /// A device that matches the IETF examples' vendor and class.
    pub fn ietf() -> Mock {
        Mock {
            vendors: vec![super::VENDOR],
            classes: vec![super::CLASS],
            ..Mock::default()
        }
    }

    fn fail(&self, d: Directive) -> PlatformResult<()> {
        match self.fail_directive {
            Some((fd, e)) if fd == d => Err(e),
            _ => Ok(()),
        }
    }

    pub fn calls(&self) -> Vec<&str> {
        self.calls.iter().map(String::as_str).collect()
    }
}

impl Platform for Mock {
    fn supports_component(&mut self, c: Component<'_>) -> PlatformResult<bool> {
        self.component_queries.push(c.index);
        let enc = c.id.encoded();
        self.component_answers
            .iter()
            .find(|(id, _)| id == enc)
            .map_or(Ok(true), |(_, a)| *a)
    }
    fn check_vendor(&mut self, c: Component<'_>, id: VendorId<'_>) -> PlatformResult<bool> {
        self.calls.push(format!("vendor {}", c.index));
        Ok(match id {
            VendorId::Uuid(u) => self.vendors.contains(u),
            VendorId::Pen(_) => false,
        })
    }
    fn check_class(&mut self, c: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        self.calls.push(format!("class {}", c.index));
        Ok(self.classes.contains(id))
    }
    fn check_device(&mut self, c: Component<'_>, id: &[u8; 16]) -> PlatformResult<bool> {
        self.calls.push(format!("device {}", c.index));
        Ok(self.devices.contains(id))
    }
    fn component_slot(&mut self, c: Component<'_>) -> PlatformResult<u64> {
        self.calls.push(format!("slot {}", c.index));
        self.slots
            .get(&c.index)
            .copied()
            .ok_or(PlatformError::Unsupported)
    }
    fn component_size(&mut self, c: Component<'_>) -> PlatformResult<Option<u64>> {
        Ok(if self.intrinsic_size {
            self.contents.get(&c.index).map(|v| v.len() as u64)
        } else {
            None
        })
    }
    fn component_digest(
        &mut self,
        c: Component<'_>,
        _alg: DigestAlg,
        _size: Option<u64>,
        out: &mut [u8; MAX_DIGEST],
    ) -> PlatformResult<Option<usize>> {
        if let Some(d) = self.digests.get(&c.index) {
            self.calls.push(format!("digest {}", c.index));
            out[..d.len()].copy_from_slice(d);
            return Ok(Some(d.len()));
        }
        Ok(None)
    }
    fn read(&mut self, c: Component<'_>, offset: u64, buf: &mut [u8]) -> PlatformResult<usize> {
        if self.overclaiming_read {
            return Ok(buf.len() + 1);
        }
        let data = self
            .contents
            .get(&c.index)
            .ok_or(PlatformError::Unsupported)?;
        let start = (offset as usize).min(data.len());
        let n = buf.len().min(data.len() - start);
        buf[..n].copy_from_slice(&data[start..start + n]);
        Ok(n)
    }
    fn fetch(&mut self, c: Component<'_>, uri: &str, _args: Option<&[u8]>) -> PlatformResult<()> {
        self.calls.push(format!("fetch {} {uri}", c.index));
        let i = self.fetches;
        self.fetches += 1;
        self.fetch_answers.get(i).copied().unwrap_or(Ok(()))?;
        self.fail(Directive::Fetch)
    }
    fn write(&mut self, c: Component<'_>, data: &[u8]) -> PlatformResult<()> {
        self.calls.push(format!("write {} {}", c.index, data.len()));
        self.fail(Directive::Write)?;
        self.contents.insert(c.index, data.to_vec());
        Ok(())
    }
    fn copy(&mut self, c: Component<'_>, s: Component<'_>) -> PlatformResult<()> {
        self.calls.push(format!("copy {} <- {}", c.index, s.index));
        self.fail(Directive::Copy)
    }
    fn swap(&mut self, c: Component<'_>, s: Component<'_>) -> PlatformResult<()> {
        self.calls.push(format!("swap {} <-> {}", c.index, s.index));
        self.fail(Directive::Swap)
    }
    fn invoke(&mut self, c: Component<'_>, _args: Option<&[u8]>) -> PlatformResult<()> {
        self.calls.push(format!("invoke {}", c.index));
        self.fail(Directive::Invoke)
    }
    fn custom_with_parameters(
        &mut self,
        c: Component<'_>,
        command: i64,
        _arg: &[u8],
        params: suit_verify::platform::CustomParameters<'_>,
    ) -> PlatformResult<bool> {
        self.calls.push(format!("custom {} {command}", c.index));
        for (k, v) in params.iter() {
            self.calls.push(format!("custom-param {k} {v:02x?}"));
        }
        self.custom_answer
            .unwrap_or(Err(PlatformError::Unsupported))
    }
    fn supports(&mut self, d: Directive, c: Component<'_>) -> bool {
        self.calls.push(format!("supports {:?} {}", d, c.index));
        !self.unsupported.contains(&d)
    }
    fn report(&mut self, r: &Record) {
        self.records.push(*r);
    }
}
