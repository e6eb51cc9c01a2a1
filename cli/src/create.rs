//! `suit create`: an unsigned envelope from a JSON description.
//!
//! The description format is documented in [`FORMAT_HELP`] (shown by
//! `suit create --help`) and in the README. The generated manifest follows
//! the shape of the draft's examples:
//!
//! - shared sequence: per component (set-component-index first when there
//!   is more than one) override-parameters {vendor-id, class-id,
//!   image-digest, image-size [, component-slot] [, device-id]}, then
//!   vendor-identifier and class-identifier (policy 15) [, device-identifier
//!   (15)] [, component-slot (5)];
//! - install (only for components with a `uri` or an integrated payload):
//!   override-parameters {uri}, fetch (2), image-match (15);
//! - validate: image-match (15) per component;
//! - invoke: invoke (2) for the component(s) to boot.

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use suit_encoder::cbor::Value;
use suit_encoder::suit::{Command, EnvelopeBuilder, Manifest, Sequence, alg, key, param, policy};

use crate::util::{
    CmdResult, Failure, conformant_uuid, parse_segment, parse_uuid, read_file, refuse_existing,
    usage, write_file_replacing,
};

/// Most components `suit-verify` processes (its manifest limit).
const MAX_COMPONENTS: usize = suit_verify::manifest::MAX_COMPONENTS;
/// Most integrated payloads `suit-verify` accepts in one envelope.
const MAX_PAYLOADS: usize = suit_verify::limits::MAX_PAYLOADS;

/// Reporting policy the draft's examples use for conditions.
const POLICY_CONDITION: u64 = policy::ALL;
/// Reporting policy for component-slot (as in the draft's example 3).
const POLICY_SLOT: u64 = policy::RECORD_ON_SUCCESS | policy::SYSINFO_SUCCESS;
/// Reporting policy the draft's examples use for fetch and invoke.
const POLICY_DIRECTIVE: u64 = policy::RECORD_ON_FAILURE;

/// The description format, shown by `suit create --help`.
pub(crate) const FORMAT_HELP: &str = r##"DESCRIPTION FORMAT (JSON)

  {
    "sequence-number": 3,
    "vendor-id": {"domain": "example.com"},
    "class-id": {"model": "thermostat-v2"},
    "reference-uri": "https://updates.example.com/thermostat/3.suit",
    "components": [
      {
        "id": ["h'00'"],
        "image": "firmware.bin",
        "uri": "https://updates.example.com/thermostat/firmware-3.bin",
        "text": {"component-description": "application", "component-version": "3.0.0"}
      },
      {
        "id": ["config", "radio"],
        "image": "radio.cfg",
        "integrated": true,
        "invoke": false
      }
    ],
    "text": {"manifest-description": "Thermostat release 3"},
    "sever": ["text"]
  }

Top level
  sequence-number   required, unsigned integer (anti-rollback counter)
  components        required, 1 to 16 components (below)
  vendor-id         default vendor id for every component (see "Identifiers")
  class-id          default class id for every component
  reference-uri     optional text (manifest key 4)
  text              optional: {"language": "en" (default), "manifest-description",
                    "update-description"}
  sever             members to move out of the signed manifest into the envelope,
                    replaced by their SHA-256 digest: "install", "text"

Component
  id                required: the component identifier, a list of segments; a
                    segment "h'0a1b'" is those bytes (CBOR diagnostic notation),
                    any other string is its UTF-8 bytes: ["h'00'"], ["usr", "bin"]
  vendor-id         vendor id (overrides the top-level one)
  class-id          class id (overrides the top-level one)
  device-id         optional device UUID: adds a device-identifier condition
  image             the image file (path relative to the description file); its
                    SHA-256 digest and size go into the manifest
  digest, size      instead of "image": SHA-256 as 64 hex digits, and the size in
                    bytes, of an image you do not have at hand
  uri               where the device fetches the image (install section)
  integrated        true: carry the image inside the envelope under the key
                    "#<file name>"; or a text "#name" to choose the key. The
                    install section fetches it from there.
  slot              optional slot number: adds a component-slot condition
  invoke            true: boot this component (invoke section). Default: the
                    first component, unless a component says true or the first
                    says false
  text              optional: "vendor-name", "model-name", "vendor-domain",
                    "model-info", "component-description", "component-version"

Identifiers
  vendor-id         "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe" (a UUID),
                    {"domain": "arm.com"} for UUID5(DNS namespace, domain) as the
                    draft recommends, or {"pen": 32473} / "pen:32473" for an IANA
                    Private Enterprise Number
  class-id          a UUID, or {"model": "suit"} for UUID5(vendor-id, model) (needs a
                    UUID vendor id)
  UUIDs             RFC 4122, version 3, 4 or 5 (the draft's rule); others are refused

Generated manifest
  shared sequence   per component: override-parameters {vendor-id, class-id,
                    image-digest, image-size [, component-slot, device-id]}, then
                    vendor-identifier, class-identifier [, device-identifier,
                    component-slot] conditions (set-component-index first when there
                    are several components)
  install           for components with "uri" or "integrated": override {uri},
                    fetch, image-match
  validate          image-match for every component
  invoke            invoke for the component(s) to boot

Image paths are relative to the directory of the description file.
"##;

/// Arguments of `suit create`.
#[derive(Args, Debug)]
#[command(
    about = "Build an unsigned envelope from a JSON description",
    long_about = "Build an unsigned SUIT envelope (draft-ietf-suit-manifest-37) from a JSON \
        description: components, vendor/class ids, images (digest and size computed from \
        the files), fetch URIs, integrated payloads, text, severed members and the sequence \
        number. Sign the result with `suit sign`. An existing OUT.suit is not replaced \
        without --force (`-o -` writes to standard output).",
    after_long_help = FORMAT_HELP
)]
pub(crate) struct CreateArgs {
    /// The JSON description (see `suit create --help` for the format).
    #[arg(value_name = "DESCRIPTION.json")]
    description: PathBuf,
    /// Where to write the unsigned envelope (`-`: standard output). An existing file is not replaced without --force.
    #[arg(short, long, value_name = "OUT.suit")]
    out: PathBuf,
    /// Replace an existing OUT.suit.
    #[arg(long)]
    force: bool,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Description {
    sequence_number: u64,
    components: Vec<ComponentDesc>,
    #[serde(default)]
    vendor_id: Option<Json>,
    #[serde(default)]
    class_id: Option<Json>,
    #[serde(default)]
    reference_uri: Option<String>,
    #[serde(default)]
    text: Option<TextDesc>,
    #[serde(default)]
    sever: Vec<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ComponentDesc {
    id: Vec<String>,
    #[serde(default)]
    vendor_id: Option<Json>,
    #[serde(default)]
    class_id: Option<Json>,
    #[serde(default)]
    device_id: Option<String>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    digest: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    integrated: Option<Json>,
    #[serde(default)]
    slot: Option<u64>,
    #[serde(default)]
    invoke: Option<bool>,
    #[serde(default)]
    text: Option<ComponentText>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct TextDesc {
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    manifest_description: Option<String>,
    #[serde(default)]
    update_description: Option<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ComponentText {
    #[serde(default)]
    vendor_name: Option<String>,
    #[serde(default)]
    model_name: Option<String>,
    #[serde(default)]
    vendor_domain: Option<String>,
    #[serde(default)]
    model_info: Option<String>,
    #[serde(default)]
    component_description: Option<String>,
    #[serde(default)]
    component_version: Option<String>,
}

/// A vendor id: UUID or PEN.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Vendor {
    Uuid([u8; 16]),
    Pen(u64),
}

impl Vendor {
    fn value(&self) -> Value {
        match self {
            Vendor::Uuid(u) => param::uuid(u),
            Vendor::Pen(n) => param::vendor_pen(*n),
        }
    }
}

/// One component, resolved.
#[derive(Debug)]
struct Component {
    id: Vec<Vec<u8>>,
    vendor: Vendor,
    class: [u8; 16],
    device: Option<[u8; 16]>,
    digest: Vec<u8>,
    size: u64,
    /// Fetch URI: a remote URI, or "#name" for an integrated payload.
    uri: Option<String>,
    /// Integrated payload (key, bytes).
    payload: Option<(String, Vec<u8>)>,
    slot: Option<u64>,
    invoke: Option<bool>,
    text: Option<ComponentText>,
}

/// What `create` made.
#[derive(Debug)]
pub(crate) struct Created {
    /// The unsigned envelope.
    pub(crate) envelope: Vec<u8>,
    /// Sequence number.
    pub(crate) sequence: u64,
    /// Number of components.
    pub(crate) components: usize,
    /// Severed member names.
    pub(crate) severed: Vec<String>,
    /// Integrated payload keys.
    pub(crate) payloads: Vec<String>,
}

/// Run `suit create`.
pub(crate) fn run(args: &CreateArgs) -> CmdResult {
    refuse_existing(&args.out, args.force)?;
    let text = crate::util::read_text(&args.description, "description")?;
    let base = args
        .description
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let created = build_from_json(&text, &base)
        .map_err(|f| prefix(f, &args.description.display().to_string()))?;
    write_file_replacing(&args.out, &created.envelope, "envelope", args.force)?;
    let mut extras = String::new();
    if !created.severed.is_empty() {
        extras.push_str(&format!(", severed: {}", created.severed.join(", ")));
    }
    if !created.payloads.is_empty() {
        extras.push_str(&format!(
            ", integrated payload(s): {}",
            created.payloads.join(", ")
        ));
    }
    crate::util::err_line(&format!(
        "created {} ({} bytes): sequence {}, {} component(s){extras}; unsigned (sign it with `suit sign`)",
        args.out.display(),
        created.envelope.len(),
        created.sequence,
        created.components,
    ));
    Ok(())
}

fn prefix(f: Failure, what: &str) -> Failure {
    match f {
        Failure::Usage(m) => Failure::Usage(format!("{what}: {m}")),
        other => other,
    }
}

/// Build the envelope described by `json`; image paths are relative to `base`.
pub(crate) fn build_from_json(json: &str, base: &Path) -> CmdResult<Created> {
    let desc: Description = serde_json::from_str(json).map_err(|e| usage(e.to_string()))?;
    build(desc, base)
}

fn build(desc: Description, base: &Path) -> CmdResult<Created> {
    if desc.components.is_empty() {
        return Err(usage("\"components\" must list at least one component"));
    }
    if desc.components.len() > MAX_COMPONENTS {
        return Err(usage(format!(
            "{} components; suit-verify processes at most {MAX_COMPONENTS}",
            desc.components.len()
        )));
    }
    let default_vendor = desc
        .vendor_id
        .as_ref()
        .map(|j| parse_vendor(j, "vendor-id"))
        .transpose()?;
    let mut comps = Vec::with_capacity(desc.components.len());
    for (i, c) in desc.components.into_iter().enumerate() {
        let comp = resolve_component(i, c, default_vendor.as_ref(), desc.class_id.as_ref(), base)?;
        if comps.iter().any(|o: &Component| o.id == comp.id) {
            return Err(usage(format!("component {i}: the same id is listed twice")));
        }
        if let Some((name, _)) = &comp.payload
            && comps
                .iter()
                .any(|o: &Component| o.payload.as_ref().is_some_and(|(n, _)| n == name))
        {
            return Err(usage(format!(
                "component {i}: integrated payload key {name:?} is used twice"
            )));
        }
        comps.push(comp);
    }
    let payload_count = comps.iter().filter(|c| c.payload.is_some()).count();
    if payload_count > MAX_PAYLOADS {
        return Err(usage(format!(
            "{payload_count} integrated payloads; suit-verify accepts at most {MAX_PAYLOADS}"
        )));
    }

    let multi = comps.len() > 1;
    let select = |seq: &mut Sequence, i: usize| {
        if multi {
            seq.push(Command::set_component_index(
                u64::try_from(i).unwrap_or(u64::MAX),
            ));
        }
    };

    // Shared sequence: parameters and applicability conditions.
    let mut shared = Sequence::default();
    for (i, c) in comps.iter().enumerate() {
        select(&mut shared, i);
        let mut params = vec![
            (param::VENDOR_ID, c.vendor.value()),
            (param::CLASS_ID, param::uuid(&c.class)),
            (
                param::IMAGE_DIGEST,
                param::image_digest(alg::SHA256, c.digest.clone()),
            ),
            (param::IMAGE_SIZE, Value::Uint(c.size)),
        ];
        if let Some(slot) = c.slot {
            params.push((param::COMPONENT_SLOT, Value::Uint(slot)));
        }
        if let Some(d) = &c.device {
            params.push((param::DEVICE_ID, param::uuid(d)));
        }
        shared.push(Command::override_parameters(params));
        shared.push(Command::vendor_identifier(POLICY_CONDITION));
        shared.push(Command::class_identifier(POLICY_CONDITION));
        if c.device.is_some() {
            shared.push(Command::device_identifier(POLICY_CONDITION));
        }
        if c.slot.is_some() {
            shared.push(Command::component_slot(POLICY_SLOT));
        }
    }

    // Install: fetch and check every component that has a source.
    let mut install = Sequence::default();
    for (i, c) in comps.iter().enumerate() {
        if let Some(uri) = &c.uri {
            select(&mut install, i);
            install.push(Command::override_parameters(vec![(
                param::URI,
                Value::text(uri.clone()),
            )]));
            install.push(Command::fetch(POLICY_DIRECTIVE));
            install.push(Command::image_match(POLICY_CONDITION));
        }
    }

    // Validate: every component's image.
    let mut validate = Sequence::default();
    for i in 0..comps.len() {
        select(&mut validate, i);
        validate.push(Command::image_match(POLICY_CONDITION));
    }

    // Invoke.
    let explicit = comps.iter().any(|c| c.invoke == Some(true));
    let mut invoke = Sequence::default();
    for (i, c) in comps.iter().enumerate() {
        let boot = if explicit {
            c.invoke == Some(true)
        } else {
            i == 0 && c.invoke != Some(false)
        };
        if boot {
            select(&mut invoke, i);
            invoke.push(Command::invoke(POLICY_DIRECTIVE));
        }
    }

    let text = text_map(desc.text, &comps)?;

    let mut sever = Vec::new();
    let mut severed_names = Vec::new();
    for s in &desc.sever {
        let (k, present) = match s.as_str() {
            "install" => (key::manifest::INSTALL, !install.0.is_empty()),
            "text" => (key::manifest::TEXT, text.is_some()),
            other => {
                return Err(usage(format!(
                    "sever: {other:?} cannot be severed (choose \"install\" or \"text\")"
                )));
            }
        };
        if !present {
            return Err(usage(format!(
                "sever: the manifest has no {s} member (nothing to sever)"
            )));
        }
        if !sever.contains(&k) {
            sever.push(k);
            severed_names.push(s.clone());
        }
    }

    // suit-verify refuses a component list of 64 KiB or more.
    let list = Value::Array(
        comps
            .iter()
            .map(|c| Value::Array(c.id.iter().cloned().map(Value::Bytes).collect()))
            .collect(),
    );
    let list_len = suit_encoder::cbor::encode(&list).len();
    if list_len > usize::from(u16::MAX) {
        return Err(usage(format!(
            "the component ids take {list_len} bytes encoded; suit-verify accepts at most {}",
            u16::MAX
        )));
    }
    let manifest = Manifest {
        sequence_number: desc.sequence_number,
        components: comps.iter().map(|c| c.id.clone()).collect(),
        shared: Some(shared),
        validate: Some(validate),
        invoke: (!invoke.0.is_empty()).then_some(invoke),
        install: (!install.0.is_empty()).then_some(install),
        text,
        reference_uri: desc.reference_uri,
        sever,
        ..Manifest::default()
    };
    let payloads: Vec<(String, Vec<u8>)> = comps.iter().filter_map(|c| c.payload.clone()).collect();
    let payload_names = payloads.iter().map(|(n, _)| n.clone()).collect();
    let builder = EnvelopeBuilder {
        manifest,
        integrated: payloads,
        ..EnvelopeBuilder::default()
    };
    let envelope = builder
        .build()
        .map_err(|e| usage(format!("cannot encode the envelope: {e}")))?;
    Ok(Created {
        envelope,
        sequence: desc.sequence_number,
        components: comps.len(),
        severed: severed_names,
        payloads: payload_names,
    })
}

fn resolve_component(
    i: usize,
    c: ComponentDesc,
    default_vendor: Option<&Vendor>,
    default_class: Option<&Json>,
    base: &Path,
) -> CmdResult<Component> {
    let at = |m: String| usage(format!("component {i}: {m}"));
    let id =
        c.id.iter()
            .map(|s| parse_segment(s))
            .collect::<CmdResult<Vec<_>>>()
            .map_err(|f| prefix(f, &format!("component {i}")))?;
    if id.len() > suit_verify::limits::MAX_COMPONENT_ID_SEGMENTS {
        return Err(at(format!(
            "id has {} segments; suit-verify accepts at most {}",
            id.len(),
            suit_verify::limits::MAX_COMPONENT_ID_SEGMENTS
        )));
    }
    let vendor = match &c.vendor_id {
        Some(j) => {
            parse_vendor(j, "vendor-id").map_err(|f| prefix(f, &format!("component {i}")))?
        }
        None => default_vendor
            .cloned()
            .ok_or_else(|| at("no vendor-id (give one here or at the top level)".into()))?,
    };
    let class_json = c
        .class_id
        .as_ref()
        .or(default_class)
        .ok_or_else(|| at("no class-id (give one here or at the top level)".into()))?;
    let class =
        parse_class(class_json, &vendor).map_err(|f| prefix(f, &format!("component {i}")))?;
    let device = c
        .device_id
        .as_deref()
        .map(|s| parse_uuid(s).ok_or_else(|| at(format!("device-id {s:?} is not a UUID"))))
        .transpose()?
        .map(|u| conformant_uuid(u, "device-id").map_err(|f| prefix(f, &format!("component {i}"))))
        .transpose()?;

    let data = c
        .image
        .as_ref()
        .map(|p| {
            let path = base.join(p);
            read_file(&path, "image")
        })
        .transpose()?;
    let (digest, size) = match (&data, &c.digest, c.size) {
        (Some(d), None, None) => (
            Sha256::digest(d).to_vec(),
            u64::try_from(d.len()).map_err(|_| at("image too large".into()))?,
        ),
        (Some(_), _, _) => {
            return Err(at(
                "give either \"image\" or \"digest\" and \"size\", not both".into(),
            ));
        }
        (None, Some(h), Some(size)) => {
            let d = suit_encoder::from_hex(h)
                .ok()
                .filter(|d| d.len() == 32)
                .ok_or_else(|| at("digest must be 64 hex digits (SHA-256)".into()))?;
            (d, size)
        }
        (None, _, _) => {
            return Err(at(
                "needs an \"image\" file, or \"digest\" and \"size\"".into()
            ));
        }
    };

    let (uri, payload) = match (&c.uri, &c.integrated) {
        (Some(_), Some(Json::Bool(true) | Json::String(_))) => {
            return Err(at("give either \"uri\" or \"integrated\", not both".into()));
        }
        (Some(u), _) => {
            if u.starts_with('#') {
                return Err(at(format!(
                    "uri {u:?} names an integrated payload; use \"integrated\" instead"
                )));
            }
            (Some(u.clone()), None)
        }
        (None, None | Some(Json::Bool(false))) => (None, None),
        (None, Some(j)) => {
            let bytes = data
                .clone()
                .ok_or_else(|| at("\"integrated\" needs an \"image\" file".into()))?;
            let name = match j {
                Json::Bool(true) => {
                    let file = c
                        .image
                        .as_deref()
                        .map(Path::new)
                        .and_then(Path::file_name)
                        .and_then(|f| f.to_str())
                        .ok_or_else(|| at("cannot name the integrated payload".into()))?;
                    format!("#{file}")
                }
                Json::String(s) if s.starts_with('#') && s.len() > 1 => s.clone(),
                _ => {
                    return Err(at(
                        "\"integrated\" must be true, false or a text \"#name\"".into()
                    ));
                }
            };
            (Some(name.clone()), Some((name, bytes)))
        }
    };

    Ok(Component {
        id,
        vendor,
        class,
        device,
        digest,
        size,
        uri,
        payload,
        slot: c.slot,
        invoke: c.invoke,
        text: c.text,
    })
}

fn parse_vendor(j: &Json, what: &str) -> CmdResult<Vendor> {
    let bad = || {
        usage(format!(
            "{what}: expected a UUID, \"pen:NUMBER\", {{\"domain\": \"example.com\"}} or {{\"pen\": NUMBER}}"
        ))
    };
    match j {
        Json::String(s) => {
            if let Some(n) = s.strip_prefix("pen:") {
                return n.parse::<u64>().map(Vendor::Pen).map_err(|_| bad());
            }
            let u = parse_uuid(s).ok_or_else(bad)?;
            conformant_uuid(u, what).map(Vendor::Uuid)
        }
        Json::Object(m) if m.len() == 1 => match (m.get("domain"), m.get("pen")) {
            (Some(Json::String(d)), _) if !d.is_empty() => {
                Ok(Vendor::Uuid(param::vendor_id_from_domain(d)))
            }
            (_, Some(p)) => p.as_u64().map(Vendor::Pen).ok_or_else(bad),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn parse_class(j: &Json, vendor: &Vendor) -> CmdResult<[u8; 16]> {
    let bad = || usage("class-id: expected a UUID or {\"model\": \"model name\"}");
    match j {
        Json::String(s) => conformant_uuid(parse_uuid(s).ok_or_else(bad)?, "class-id"),
        Json::Object(m) if m.len() == 1 => match (m.get("model"), vendor) {
            (Some(Json::String(model)), Vendor::Uuid(v)) => Ok(param::class_id_from(v, model)),
            (Some(Json::String(_)), Vendor::Pen(_)) => Err(usage(
                "class-id: {\"model\": ...} needs a UUID vendor id; with a PEN vendor give the class id as a UUID",
            )),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn text_map(top: Option<TextDesc>, comps: &[Component]) -> CmdResult<Option<Value>> {
    use suit_encoder::suit::key::text as t;
    let any_component = comps.iter().any(|c| c.text.is_some());
    if top.is_none() && !any_component {
        return Ok(None);
    }
    let top = top.unwrap_or_default();
    let language = top.language.clone().unwrap_or_else(|| "en".to_owned());
    if language.is_empty() {
        return Err(usage("text: language must not be empty"));
    }
    let mut entries: Vec<(Value, Value)> = Vec::new();
    let put = |out: &mut Vec<(Value, Value)>, k: i64, v: &Option<String>| {
        if let Some(v) = v {
            out.push((Value::int(k), Value::text(v.clone())));
        }
    };
    put(
        &mut entries,
        t::MANIFEST_DESCRIPTION,
        &top.manifest_description,
    );
    put(&mut entries, t::UPDATE_DESCRIPTION, &top.update_description);
    for c in comps {
        let Some(ct) = &c.text else { continue };
        let mut ce = Vec::new();
        put(&mut ce, t::VENDOR_NAME, &ct.vendor_name);
        put(&mut ce, t::MODEL_NAME, &ct.model_name);
        put(&mut ce, t::VENDOR_DOMAIN, &ct.vendor_domain);
        put(&mut ce, t::MODEL_INFO, &ct.model_info);
        put(&mut ce, t::COMPONENT_DESCRIPTION, &ct.component_description);
        put(&mut ce, t::COMPONENT_VERSION, &ct.component_version);
        if !ce.is_empty() {
            let id = Value::Array(c.id.iter().map(|s| Value::Bytes(s.clone())).collect());
            entries.push((id, Value::Map(ce)));
        }
    }
    if entries.is_empty() {
        return Err(usage(
            "text: no text given (add a description or remove \"text\")",
        ));
    }
    Ok(Some(Value::Map(vec![(
        Value::text(language),
        Value::Map(entries),
    )])))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        match build_from_json(json, Path::new(".")) {
            Err(Failure::Usage(m)) => m,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    const MIN: &str = r#"{"sequence-number": 1, "vendor-id": {"domain": "arm.com"},
        "class-id": {"model": "suit"},
        "components": [{"id": ["h'00'"], "digest": "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210", "size": 34768}]}"#;

    #[test]
    fn minimal_builds() {
        let c = build_from_json(MIN, Path::new(".")).unwrap();
        assert_eq!(c.sequence, 1);
        assert_eq!(c.components, 1);
        assert!(suit_encoder::cbor::is_canonical(&c.envelope));
    }

    #[test]
    fn description_errors_are_usage_errors() {
        assert!(err("{").contains("EOF"));
        assert!(err(r#"{"sequence-number": 1, "components": []}"#).contains("at least one"));
        assert!(err(&MIN.replace("\"size\"", "\"sise\"")).contains("unknown field"));
        assert!(err(&MIN.replace("arm.com\"}", "arm.com\", \"pen\": 1}")).contains("vendor-id"));
        assert!(err(&MIN.replace("{\"model\": \"suit\"}", "\"nope\"")).contains("class-id"));
        assert!(err(&MIN.replace("{\"domain\": \"arm.com\"}", "\"pen:12\"")).contains("PEN"));
        assert!(err(&MIN.replace("\"00112233", "\"0011")).contains("64 hex"));
        assert!(err(&MIN.replace("}]}", "}], \"sever\": [\"install\"]}")).contains("no install"));
        assert!(
            err(&MIN.replace("}]}", "}], \"sever\": [\"validate\"]}"))
                .contains("cannot be severed")
        );
        assert!(
            err(&MIN.replace("}]}", ", \"integrated\": true}]}")).contains("needs an \"image\"")
        );
        assert!(err(&MIN.replace("}]}", ", \"uri\": \"#x\"}]}")).contains("integrated"));
        let two = MIN.replace("}]}", "}, {\"id\": [\"h'00'\"], \"digest\": \"00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210\", \"size\": 1}]}");
        assert!(err(&two).contains("twice"));
    }

    #[test]
    fn a_component_list_suit_verify_would_refuse_is_a_usage_error() {
        // [[h'..']]: 1 + 1 + 3 head bytes around the segment; 65,535 in all
        // is the most suit-verify accepts.
        let with = |n: usize| MIN.replace("h'00'", &format!("h'{}'", "ab".repeat(n)));
        assert!(build_from_json(&with(65_535 - 5), Path::new(".")).is_ok());
        assert!(err(&with(65_535 - 4)).contains("suit-verify accepts at most 65535"));
    }
}
