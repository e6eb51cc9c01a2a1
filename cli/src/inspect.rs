//! `suit inspect`: the envelope as a person (or, with `--json`, a machine)
//! wants to read it.
//!
//! Inspection trusts nothing and verifies no signature (it has no keys): it
//! decodes what is there, names every command and parameter it knows,
//! checks the manifest digest and the digests of severed members, and shows
//! anything malformed as an error in place instead of failing. Only bytes
//! that are not a tagged SUIT envelope at all are refused.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde_json::{Map, Value as Json, json};
use suit_encoder::cbor::{self, Value};

use crate::util::{
    CmdResult, Failure, component_id_string, hex, pen_from_oid, read_input, segment_string,
    uuid_string,
};

/// Nesting of try-each / run-sequence shown before giving up.
const MAX_NESTING: usize = 8;

/// Arguments of `suit inspect`.
#[derive(Args, Debug)]
#[command(
    about = "Show an envelope: sequence number, components, commands, text, severed members, signatures",
    long_about = "Show an envelope as a person wants to read it: the manifest digest (checked), \
        the signatures with their algorithm, the sequence number, the components, every \
        command sequence with command names and parameter names and values (UUIDs as UUIDs, \
        digests as hex), text, severed members (their digests checked) and integrated \
        payloads. No signature is verified (use `suit verify`). --json prints the same as \
        one JSON document. IN.suit `-` reads the envelope from standard input."
)]
pub(crate) struct InspectArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// The envelope (`-`: standard input).
    #[arg(value_name = "IN.suit")]
    input: PathBuf,
}

/// Run `suit inspect`.
pub(crate) fn run(args: &InspectArgs) -> CmdResult {
    let bytes = read_input(&args.input, "envelope")?;
    let model = model(&bytes).map_err(Failure::Refused)?;
    if args.json {
        let s = serde_json::to_string_pretty(&model)
            .map_err(|e| Failure::Refused(format!("cannot print JSON: {e}")))?;
        crate::util::out(&format!("{s}\n"));
    } else {
        let name = if args.input.as_os_str() == "-" {
            "(standard input)".to_owned()
        } else {
            args.input.display().to_string()
        };
        crate::util::out(&render(&model, &name));
    }
    Ok(())
}

// ---------------------------------------------------------------- names

fn command_name(c: i128) -> Option<&'static str> {
    Some(match c {
        1 => "vendor-identifier",
        2 => "class-identifier",
        3 => "image-match",
        4 => "use-before",
        5 => "component-slot",
        6 => "check-content",
        7 => "dependency-integrity",
        8 => "is-dependency",
        11 => "process-dependency",
        12 => "set-component-index",
        14 => "abort",
        15 => "try-each",
        18 => "write",
        19 => "set-parameters",
        20 => "override-parameters",
        21 => "fetch",
        22 => "copy",
        23 => "invoke",
        24 => "device-identifier",
        25 => "image-not-match",
        26 => "minimum-battery",
        27 => "update-authorized",
        28 => "version",
        29 => "wait",
        31 => "swap",
        32 => "run-sequence",
        33 => "unlink",
        34 => "override-multiple",
        35 => "copy-params",
        _ => return None,
    })
}

fn parameter_name(p: i128) -> Option<&'static str> {
    Some(match p {
        1 => "vendor-id",
        2 => "class-id",
        3 => "image-digest",
        4 => "use-before",
        5 => "component-slot",
        12 => "strict-order",
        13 => "soft-failure",
        14 => "image-size",
        18 => "content",
        19 => "encryption-info",
        21 => "uri",
        22 => "source-component",
        23 => "invoke-args",
        24 => "device-id",
        25 => "fetch-arguments",
        26 => "minimum-battery",
        27 => "update-priority",
        28 => "version",
        29 => "wait-info",
        30 => "component-metadata",
        _ => return None,
    })
}

fn section_name(k: i128) -> Option<&'static str> {
    Some(match k {
        7 => "validate",
        8 => "load",
        9 => "invoke",
        14 => "coswid",
        15 => "dependency-resolution",
        16 => "payload-fetch",
        18 => "candidate-verification",
        20 => "install",
        23 => "text",
        24 => "uninstall",
        _ => return None,
    })
}

fn digest_alg_name(a: i128) -> Option<&'static str> {
    Some(match a {
        -16 => "sha-256",
        -18 => "shake128",
        -43 => "sha-384",
        -44 => "sha-512",
        -45 => "shake256",
        _ => return None,
    })
}

fn text_name(k: i128, component: bool) -> Option<&'static str> {
    Some(match (component, k) {
        (false, 1) => "manifest-description",
        (false, 2) => "update-description",
        (false, 3) => "json-source",
        (false, 4) => "yaml-source",
        (true, 1) => "vendor-name",
        (true, 2) => "model-name",
        (true, 3) => "vendor-domain",
        (true, 4) => "model-info",
        (true, 5) => "component-description",
        (true, 6) => "component-version",
        (true, 7) => "version-required",
        (true, 8) => "current-version",
        _ => return None,
    })
}

fn named(name: Option<&str>, prefix: &str, k: i128) -> String {
    name.map_or_else(|| format!("{prefix}({k})"), str::to_owned)
}

// ---------------------------------------------------------------- values

/// CBOR diagnostic notation, with printable byte strings as `'text'`.
fn diag(v: &Value) -> String {
    match v {
        Value::Bytes(b)
            if !b.is_empty()
                && b.iter()
                    .all(|c| (0x20..0x7f).contains(c) && *c != b'\'' && *c != b'\\') =>
        {
            format!("'{}'", String::from_utf8_lossy(b))
        }
        other => other.to_string(),
    }
}

fn int_json(v: &Value) -> Json {
    match v.as_int() {
        Some(i) => match (u64::try_from(i), i64::try_from(i)) {
            (Ok(u), _) => json!(u),
            (_, Ok(s)) => json!(s),
            _ => json!(i.to_string()),
        },
        None => json!(diag(v)),
    }
}

/// A SUIT_Digest as `{"algorithm", "value"}`.
fn digest_json(v: &Value) -> Json {
    match v.as_array() {
        Some([a, Value::Bytes(d), ..]) if a.as_int().is_some() => {
            let id = a.as_int().unwrap_or_default();
            json!({
                "algorithm": named(digest_alg_name(id), "alg", id),
                "value": hex(d),
            })
        }
        _ => json!({"error": format!("not a SUIT_Digest: {}", diag(v))}),
    }
}

fn uuid_json(v: &Value) -> Json {
    match v.as_bytes().and_then(|b| <&[u8; 16]>::try_from(b).ok()) {
        Some(u) => json!(uuid_string(u)),
        None => json!(diag(v)),
    }
}

/// A bstr-wrapped CBOR item, decoded.
fn wrapped(v: &Value) -> Result<Value, String> {
    let b = v
        .as_bytes()
        .ok_or_else(|| format!("expected a byte string, found {}", diag(v)))?;
    cbor::decode_all(b).map_err(|e| e.to_string())
}

fn parameter_value(k: i128, v: &Value) -> Json {
    match k {
        1 => match v {
            Value::Tag(112, inner) => match inner.as_bytes().and_then(pen_from_oid) {
                Some(n) => json!(format!("pen:{n}")),
                None => json!(diag(v)),
            },
            _ => uuid_json(v),
        },
        2 | 24 => uuid_json(v),
        3 => match wrapped(v) {
            Ok(d) => digest_json(&d),
            Err(e) => json!({"error": e}),
        },
        4 | 5 | 14 | 22 | 26 | 27 => int_json(v),
        12 | 13 => match v {
            Value::Bool(b) => json!(b),
            other => json!(diag(other)),
        },
        21 => match v.as_text() {
            Some(t) => json!(t),
            None => json!(diag(v)),
        },
        19 => match v.as_bytes() {
            Some(b) => json!(format!("COSE_Encrypt, {} bytes", b.len())),
            None => json!(diag(v)),
        },
        28..=30 => match wrapped(v) {
            Ok(inner) => json!(inner.to_string()),
            Err(_) => json!(diag(v)),
        },
        _ => json!(diag(v)),
    }
}

fn parameters_json(arg: &Value) -> Json {
    let Some(entries) = arg.as_map() else {
        return json!({"error": format!("expected a parameter map, found {}", diag(arg))});
    };
    let mut m = Map::new();
    for (k, v) in entries {
        match k.as_int() {
            Some(p) => {
                let name = if p < -256 {
                    format!("custom({p})")
                } else {
                    named(parameter_name(p), "parameter", p)
                };
                m.insert(name, parameter_value(p, v));
            }
            None => {
                m.insert(diag(k), json!(diag(v)));
            }
        }
    }
    Json::Object(m)
}

// ---------------------------------------------------------------- sequences

/// Decode a bstr-wrapped command sequence.
fn sequence_json(bytes: &[u8], depth: usize) -> Result<Vec<Json>, String> {
    if depth > MAX_NESTING {
        return Err(format!("sequences nested deeper than {MAX_NESTING}"));
    }
    let v = cbor::decode_all(bytes).map_err(|e| e.to_string())?;
    let items = v
        .as_array()
        .ok_or_else(|| "a command sequence must be an array".to_owned())?;
    if items.is_empty() || items.len() % 2 != 0 {
        return Err(format!(
            "a command sequence needs command/argument pairs, found {} item(s)",
            items.len()
        ));
    }
    Ok(items
        .chunks(2)
        .map(|pair| match pair {
            [c, arg] => command_json(c, arg, depth),
            _ => json!({"error": "odd item"}),
        })
        .collect())
}

fn command_json(c: &Value, arg: &Value, depth: usize) -> Json {
    let Some(id) = c.as_int() else {
        return json!({"error": format!("command is not an integer: {}", diag(c))});
    };
    let name = if id < -256 {
        "custom".to_owned()
    } else {
        named(command_name(id), "command", id)
    };
    let mut m = Map::new();
    m.insert("command".into(), json!(name));
    m.insert("id".into(), int_json(c));
    match id {
        12 => {
            let index = match arg {
                Value::Bool(b) => json!(b),
                Value::Array(a) => Json::Array(a.iter().map(int_json).collect()),
                other => int_json(other),
            };
            m.insert("index".into(), index);
        }
        19 | 20 => {
            m.insert("parameters".into(), parameters_json(arg));
        }
        34 => {
            let per = match arg.as_map() {
                Some(entries) => {
                    let mut pm = Map::new();
                    for (k, v) in entries {
                        pm.insert(diag(k), parameters_json(v));
                    }
                    Json::Object(pm)
                }
                None => json!(diag(arg)),
            };
            m.insert("components".into(), per);
        }
        15 => {
            let (alts, trailing) = match arg.as_array() {
                Some(items) => {
                    let trailing = matches!(items.last(), Some(Value::Null));
                    let alts: Vec<Json> = items
                        .iter()
                        .filter(|i| !matches!(i, Value::Null))
                        .map(|i| nested_json(i, depth))
                        .collect();
                    (alts, trailing)
                }
                None => (
                    vec![json!({"error": format!("expected an array, found {}", diag(arg))})],
                    false,
                ),
            };
            m.insert("alternatives".into(), Json::Array(alts));
            m.insert("trailing-null".into(), Json::Bool(trailing));
        }
        32 => {
            m.insert("sequence".into(), nested_json(arg, depth));
        }
        _ => match arg {
            Value::Uint(p) if id >= -256 && id != 35 => {
                m.insert("policy".into(), json!(p));
            }
            other => {
                m.insert("argument".into(), json!(diag(other)));
            }
        },
    }
    Json::Object(m)
}

fn nested_json(v: &Value, depth: usize) -> Json {
    match v.as_bytes() {
        Some(b) => match sequence_json(b, depth.saturating_add(1)) {
            Ok(cmds) => Json::Array(cmds),
            Err(e) => json!({"error": e}),
        },
        None => json!({"error": format!("expected a bstr-wrapped sequence, found {}", diag(v))}),
    }
}

// ---------------------------------------------------------------- envelope

/// Raw envelope members.
struct Raw<'a> {
    auth: Option<&'a [u8]>,
    manifest: Option<&'a [u8]>,
    /// Severable members: key, encoded bstr (header included).
    severed: Vec<(i128, &'a [u8])>,
    payloads: Vec<(String, Vec<u8>)>,
    unknown: Vec<String>,
}

fn split(bytes: &[u8]) -> Result<Raw<'_>, String> {
    // Well-formed as a whole first (the decoder is strict and bounded).
    let whole = cbor::decode_all(bytes).map_err(|e| format!("not a SUIT envelope: {e}"))?;
    if !matches!(&whole, Value::Tag(107, inner) if matches!(**inner, Value::Map(_))) {
        return Err("not a SUIT envelope: expected a map tagged 107".into());
    }
    let (_, _, _, pos) = cbor::read_head(bytes, 0).map_err(|e| e.to_string())?;
    let (entries, _) = cbor::split_map(bytes, pos).map_err(|e| e.to_string())?;
    let mut raw = Raw {
        auth: None,
        manifest: None,
        severed: Vec::new(),
        payloads: Vec::new(),
        unknown: Vec::new(),
    };
    for (k, v) in entries {
        let key = cbor::decode_all(k).map_err(|e| e.to_string())?;
        match (&key, key.as_int()) {
            (_, Some(2)) => raw.auth = Some(v),
            (_, Some(3)) => raw.manifest = Some(v),
            (_, Some(s @ (14 | 15 | 16 | 18 | 20 | 23))) => raw.severed.push((s, v)),
            (Value::Text(name), _) => {
                let data = match cbor::decode_all(v) {
                    Ok(Value::Bytes(b)) => b,
                    _ => {
                        raw.unknown.push(format!("{name:?} (not a byte string)"));
                        continue;
                    }
                };
                raw.payloads.push((name.clone(), data));
            }
            _ => raw.unknown.push(diag(&key)),
        }
    }
    Ok(raw)
}

fn sha(alg: i128, data: &[u8]) -> Option<Vec<u8>> {
    suit_encoder::cose::digest(alg, data).ok()
}

/// Does `d` (a SUIT_Digest value) match `data`? `None` if it cannot tell.
fn digest_matches(d: &Value, data: &[u8]) -> Option<bool> {
    match d.as_array() {
        Some([a, Value::Bytes(expected), ..]) => {
            let got = sha(a.as_int()?, data)?;
            Some(got == *expected)
        }
        _ => None,
    }
}

fn auth_json(auth: Option<&[u8]>, manifest: Option<&[u8]>) -> (Json, Json) {
    let Some(auth) = auth else {
        return (json!({"error": "no authentication wrapper"}), json!([]));
    };
    let elements = match wrapped_array(auth) {
        Ok(e) => e,
        Err(e) => return (json!({"error": e}), json!([])),
    };
    let mut it = elements.iter();
    let digest = match it.next().map(wrapped) {
        Some(Ok(d)) => {
            let mut j = digest_json(&d);
            if let (Json::Object(o), Some(m)) = (&mut j, manifest) {
                o.insert("matches".into(), json!(digest_matches(&d, m)));
            }
            j
        }
        Some(Err(e)) => json!({"error": e}),
        None => json!({"error": "empty authentication wrapper"}),
    };
    let blocks: Vec<Json> = it.map(block_json).collect();
    (digest, Json::Array(blocks))
}

fn wrapped_array(bstr: &[u8]) -> Result<Vec<Value>, String> {
    let v = cbor::decode_all(bstr).map_err(|e| e.to_string())?;
    match wrapped(&v)? {
        Value::Array(a) => Ok(a),
        other => Err(format!("expected an array, found {}", diag(&other))),
    }
}

fn block_json(b: &Value) -> Json {
    let inner = match wrapped(b) {
        Ok(v) => v,
        Err(e) => return json!({"error": e}),
    };
    let (tag, body) = match &inner {
        Value::Tag(t, body) => (*t, body.as_ref()),
        other => return json!({"error": format!("not a tagged COSE object: {}", diag(other))}),
    };
    let kind = match tag {
        18 => "COSE_Sign1",
        98 => "COSE_Sign",
        17 => "COSE_Mac0",
        97 => "COSE_Mac",
        _ => "unknown COSE tag",
    };
    let mut m = Map::new();
    m.insert("type".into(), json!(kind));
    let Some(items) = body.as_array() else {
        m.insert("error".into(), json!("COSE body is not an array"));
        return Json::Object(m);
    };
    let protected = match items.first().and_then(Value::as_bytes) {
        Some([]) => Value::Map(Vec::new()),
        Some(p) => cbor::decode_all(p).unwrap_or(Value::Null),
        None => Value::Null,
    };
    let alg = protected.get_int(1).and_then(Value::as_int);
    m.insert(
        "algorithm".into(),
        json!(alg.map(|a| crate::sign::alg_name(a).map_or_else(|| format!("alg({a})"), str::to_owned))),
    );
    m.insert(
        "algorithm-id".into(),
        json!(alg.and_then(|a| i64::try_from(a).ok())),
    );
    let kid = protected
        .get_int(4)
        .or_else(|| items.get(1).and_then(|u| u.get_int(4)))
        .and_then(Value::as_bytes)
        .map(hex);
    m.insert("kid".into(), json!(kid));
    let payload = match items.get(2) {
        Some(Value::Null) => "detached",
        Some(Value::Bytes(_)) => "attached",
        _ => "malformed",
    };
    m.insert("payload".into(), json!(payload));
    if tag == 18 || tag == 17 {
        let len = items.get(3).and_then(Value::as_bytes).map(<[u8]>::len);
        m.insert(
            if tag == 18 {
                "signature-bytes"
            } else {
                "tag-bytes"
            }
            .into(),
            json!(len),
        );
    }
    Json::Object(m)
}

/// Build the whole model; `Err` only for bytes that are not an envelope.
pub(crate) fn model(bytes: &[u8]) -> Result<Json, String> {
    let raw = split(bytes)?;
    let manifest_content = raw.manifest.and_then(|m| match cbor::decode_all(m) {
        Ok(Value::Bytes(b)) => Some(b),
        _ => None,
    });
    let (digest, signatures) = auth_json(raw.auth, raw.manifest);
    let mut top = Map::new();
    top.insert("size".into(), json!(bytes.len()));
    top.insert("manifest-digest".into(), digest);
    top.insert("signatures".into(), signatures);
    match manifest_content.as_deref().map(cbor::decode_all) {
        Some(Ok(Value::Map(entries))) => manifest_json(&entries, &raw, &mut top),
        Some(Ok(other)) => {
            top.insert(
                "error".into(),
                json!(format!("manifest is not a map: {}", diag(&other))),
            );
        }
        Some(Err(e)) => {
            top.insert("error".into(), json!(format!("manifest: {e}")));
        }
        None => {
            top.insert("error".into(), json!("no manifest (key 3) byte string"));
        }
    }
    let payloads: Vec<Json> = raw
        .payloads
        .iter()
        .map(|(n, d)| json!({"name": n, "bytes": d.len(), "sha-256": sha(-16, d).map(|h| hex(&h))}))
        .collect();
    top.insert("integrated-payloads".into(), Json::Array(payloads));
    if !raw.unknown.is_empty() {
        top.insert("unknown-envelope-members".into(), json!(raw.unknown));
    }
    Ok(Json::Object(top))
}

fn manifest_json(entries: &[(Value, Value)], raw: &Raw<'_>, top: &mut Map<String, Json>) {
    let get = |k: i128| {
        entries
            .iter()
            .find(|(mk, _)| mk.as_int() == Some(k))
            .map(|(_, v)| v)
    };
    top.insert("version".into(), get(1).map_or(Json::Null, int_json));
    top.insert(
        "sequence-number".into(),
        get(2).map_or(Json::Null, int_json),
    );
    top.insert(
        "reference-uri".into(),
        json!(get(4).and_then(Value::as_text)),
    );
    // Common.
    let mut components: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut shared = Json::Null;
    match get(3).map(wrapped) {
        Some(Ok(common)) => {
            if let Some(Value::Array(list)) = common.get_int(2) {
                for c in list {
                    let segs = c
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|s| s.as_bytes().map(<[u8]>::to_vec).unwrap_or_default())
                                .collect()
                        })
                        .unwrap_or_default();
                    components.push(segs);
                }
            }
            if let Some(deps) = common.get_int(1) {
                top.insert("dependencies".into(), json!(diag(deps)));
            }
            if let Some(s) = common.get_int(4) {
                shared = nested_json(s, 0);
            }
        }
        Some(Err(e)) => {
            top.insert("error".into(), json!(format!("common: {e}")));
        }
        None => {
            top.insert("error".into(), json!("manifest has no common block"));
        }
    }
    top.insert(
        "components".into(),
        Json::Array(
            components
                .iter()
                .map(|c| Json::Array(c.iter().map(|s| json!(segment_string(s))).collect()))
                .collect(),
        ),
    );
    top.insert("shared-sequence".into(), shared);

    let mut sections = Vec::new();
    let mut text = Json::Null;
    for (k, v) in entries {
        let Some(key) = k.as_int() else { continue };
        if matches!(key, 1..=4) {
            continue;
        }
        let Some(name) = section_name(key) else {
            if key == 5 || key == 6 {
                let n = if key == 5 {
                    "manifest-component-id"
                } else {
                    "set-version"
                };
                top.insert(
                    n.into(),
                    json!(wrapped(v).map_or_else(|_| diag(v), |x| x.to_string())),
                );
            } else {
                if let Some(a) = top
                    .entry("unknown-manifest-members")
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                {
                    a.push(json!(key.to_string()));
                }
            }
            continue;
        };
        let mut s = Map::new();
        s.insert("name".into(), json!(name));
        s.insert("key".into(), int_json(k));
        // Inline (bstr) or severed (SUIT_Digest array).
        let content: Option<Vec<u8>> = match v {
            Value::Bytes(b) => {
                s.insert("severed".into(), json!(false));
                Some(b.clone())
            }
            Value::Array(_) => {
                s.insert("severed".into(), json!(true));
                s.insert("digest".into(), digest_json(v));
                let member = raw
                    .severed
                    .iter()
                    .find(|(sk, _)| *sk == key)
                    .map(|(_, m)| *m);
                s.insert("in-envelope".into(), json!(member.is_some()));
                let matches = member.and_then(|m| digest_matches(v, m));
                s.insert("digest-matches".into(), json!(matches));
                match (member, matches) {
                    (Some(m), Some(true)) => match cbor::decode_all(m) {
                        Ok(Value::Bytes(b)) => Some(b),
                        _ => None,
                    },
                    _ => None,
                }
            }
            other => {
                s.insert("error".into(), json!(format!("unexpected {}", diag(other))));
                None
            }
        };
        if key == 23 {
            s.insert(
                "content".into(),
                content.as_deref().map_or(Json::Null, text_json),
            );
            text = Json::Object(s);
            continue;
        }
        let commands = match content {
            Some(b) => match sequence_json(&b, 0) {
                Ok(c) => Json::Array(c),
                Err(e) => {
                    s.insert("error".into(), json!(e));
                    Json::Null
                }
            },
            None => Json::Null,
        };
        s.insert("commands".into(), commands);
        sections.push(Json::Object(s));
    }
    top.insert("sections".into(), Json::Array(sections));
    top.insert("text".into(), text);
    let severed_in_envelope: Vec<Json> = raw
        .severed
        .iter()
        .map(|(k, _)| json!(named(section_name(*k), "member", *k)))
        .collect();
    top.insert(
        "severed-members-in-envelope".into(),
        Json::Array(severed_in_envelope),
    );
}

fn text_json(bytes: &[u8]) -> Json {
    let v = match cbor::decode_all(bytes) {
        Ok(v) => v,
        Err(e) => return json!({"error": e.to_string()}),
    };
    let Some(langs) = v.as_map() else {
        return json!({"error": "text is not a map"});
    };
    let mut out = Map::new();
    for (lang, entries) in langs {
        let mut lm = Map::new();
        for (k, val) in entries.as_map().unwrap_or_default() {
            match (k, k.as_int()) {
                (_, Some(i)) => {
                    lm.insert(
                        named(text_name(i, false), "text", i),
                        json!(val.as_text().map_or_else(|| diag(val), str::to_owned)),
                    );
                }
                (Value::Array(segs), None) => {
                    let id: Vec<Vec<u8>> = segs
                        .iter()
                        .map(|s| s.as_bytes().map(<[u8]>::to_vec).unwrap_or_default())
                        .collect();
                    let mut cm = Map::new();
                    for (ck, cv) in val.as_map().unwrap_or_default() {
                        let name = ck
                            .as_int()
                            .map_or_else(|| diag(ck), |i| named(text_name(i, true), "text", i));
                        cm.insert(
                            name,
                            json!(cv.as_text().map_or_else(|| diag(cv), str::to_owned)),
                        );
                    }
                    lm.insert(component_id_string(&id), Json::Object(cm));
                }
                _ => {
                    lm.insert(diag(k), json!(diag(val)));
                }
            }
        }
        out.insert(
            lang.as_text().map_or_else(|| diag(lang), str::to_owned),
            Json::Object(lm),
        );
    }
    Json::Object(out)
}

// ---------------------------------------------------------------- text

/// Render the model for a person.
pub(crate) fn render(m: &Json, name: &str) -> String {
    let mut o = String::new();
    let size = m.get("size").and_then(Json::as_u64).unwrap_or(0);
    let _ = writeln!(o, "SUIT envelope {name} ({size} bytes)");
    if let Some(e) = m.get("error").and_then(Json::as_str) {
        let _ = writeln!(o, "  error: {e}");
    }
    // Authentication.
    let d = m.get("manifest-digest").unwrap_or(&Json::Null);
    let check = match d.get("matches").and_then(Json::as_bool) {
        Some(true) => " (matches the manifest)",
        Some(false) => " (DOES NOT MATCH the manifest)",
        None => "",
    };
    let _ = writeln!(o, "  manifest digest   {}{check}", digest_text(d));
    let sigs = m
        .get("signatures")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    if sigs.is_empty() {
        let _ = writeln!(o, "  signatures        none (unsigned)");
    } else {
        let _ = writeln!(o, "  signatures        {}", sigs.len());
        for (i, s) in sigs.iter().enumerate() {
            let _ = writeln!(o, "    #{}  {}", i.saturating_add(1), signature_text(s));
        }
    }
    // Manifest.
    let _ = writeln!(o, "Manifest");
    let _ = writeln!(o, "  version           {}", scalar(m.get("version")));
    let _ = writeln!(
        o,
        "  sequence number   {}",
        scalar(m.get("sequence-number"))
    );
    if let Some(u) = m.get("reference-uri").and_then(Json::as_str) {
        let _ = writeln!(o, "  reference uri     {}", clean(u));
    }
    for extra in ["manifest-component-id", "set-version", "dependencies"] {
        if let Some(v) = m.get(extra) {
            let _ = writeln!(o, "  {extra:<17} {}", scalar(Some(v)));
        }
    }
    let comps = m
        .get("components")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let _ = writeln!(o, "  components        {}", comps.len());
    for (i, c) in comps.iter().enumerate() {
        let _ = writeln!(o, "    #{i}  {}", component_text(c));
    }
    match m.get("shared-sequence") {
        Some(Json::Null) | None => {}
        Some(seq) => {
            let _ = writeln!(o, "  shared sequence");
            commands_text(&mut o, seq, 4);
        }
    }
    for s in m
        .get("sections")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let name = s.get("name").and_then(Json::as_str).unwrap_or("?");
        let _ = writeln!(o, "  {name}{}", severed_text(&s));
        if let Some(e) = s.get("error").and_then(Json::as_str) {
            let _ = writeln!(o, "    error: {e}");
        }
        if let Some(c) = s.get("commands").filter(|c| !c.is_null()) {
            commands_text(&mut o, c, 4);
        }
    }
    if let Some(t) = m.get("text").filter(|t| !t.is_null()) {
        let _ = writeln!(o, "  text{}", severed_text(t));
        if let Some(Json::Object(langs)) = t.get("content") {
            for (lang, entries) in langs {
                let _ = writeln!(o, "    [{}]", clean(lang));
                text_entries(&mut o, entries, 6);
            }
        }
    }
    let unknown = m.get("unknown-manifest-members").and_then(Json::as_array);
    if let Some(u) = unknown {
        let _ = writeln!(o, "  unknown members   {}", join(u));
    }
    // Envelope members.
    let severed = m
        .get("severed-members-in-envelope")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "Severed members in the envelope: {}",
        if severed.is_empty() {
            "none".to_owned()
        } else {
            join(&severed)
        }
    );
    let payloads = m
        .get("integrated-payloads")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    if payloads.is_empty() {
        let _ = writeln!(o, "Integrated payloads: none");
    } else {
        let _ = writeln!(o, "Integrated payloads");
        for p in payloads {
            let _ = writeln!(
                o,
                "  {}  {} bytes  sha-256 {}",
                p.get("name").map_or_else(String::new, |n| n.to_string()),
                scalar(p.get("bytes")),
                scalar(p.get("sha-256"))
            );
        }
    }
    if let Some(u) = m.get("unknown-envelope-members").and_then(Json::as_array) {
        let _ = writeln!(o, "Unknown envelope members: {}", join(u));
    }
    o
}

fn join(items: &[Json]) -> String {
    items
        .iter()
        .map(|i| scalar(Some(i)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text from the envelope with control characters escaped, so that an
/// envelope cannot drive the terminal.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn scalar(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => "-".to_owned(),
        Some(Json::String(s)) => clean(s),
        Some(other) if other.get("algorithm").is_some() => digest_text(other),
        Some(Json::Object(o)) if o.contains_key("error") => {
            format!(
                "error: {}",
                o.get("error").map_or_else(String::new, |e| scalar(Some(e)))
            )
        }
        Some(other) => other.to_string(),
    }
}

fn digest_text(d: &Json) -> String {
    match (
        d.get("algorithm").and_then(Json::as_str),
        d.get("value").and_then(Json::as_str),
    ) {
        (Some(a), Some(v)) => format!("{a} {v}"),
        _ => d
            .get("error")
            .and_then(Json::as_str)
            .map_or_else(|| "-".to_owned(), |e| format!("error: {e}")),
    }
}

fn signature_text(s: &Json) -> String {
    if let Some(e) = s.get("error").and_then(Json::as_str) {
        return format!("error: {e}");
    }
    let kind = s.get("type").and_then(Json::as_str).unwrap_or("?");
    let alg = match (
        s.get("algorithm").and_then(Json::as_str),
        s.get("algorithm-id").and_then(Json::as_i64),
    ) {
        (Some(a), Some(id)) => format!("{a} ({id})"),
        (Some(a), None) => a.to_owned(),
        _ => "no algorithm in the protected header".to_owned(),
    };
    let mut t = format!("{kind}  {alg}");
    if let Some(n) = s.get("signature-bytes").and_then(Json::as_u64) {
        let _ = write!(t, "  signature {n} bytes");
    }
    if let Some(n) = s.get("tag-bytes").and_then(Json::as_u64) {
        let _ = write!(t, "  tag {n} bytes");
    }
    if let Some(k) = s.get("kid").and_then(Json::as_str) {
        let _ = write!(t, "  kid h'{k}'");
    }
    if s.get("payload").and_then(Json::as_str) != Some("detached") {
        let _ = write!(t, "  payload {}", scalar(s.get("payload")));
    }
    t
}

fn component_text(c: &Json) -> String {
    let segs: Vec<String> = c
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    let s = s.as_str().unwrap_or("?");
                    if s.starts_with("h'") {
                        s.to_owned()
                    } else {
                        format!("{s:?}")
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    format!("[{}]", segs.join(", "))
}

fn severed_text(s: &Json) -> String {
    if s.get("severed").and_then(Json::as_bool) != Some(true) {
        return String::new();
    }
    let digest = s.get("digest").map_or_else(String::new, digest_text);
    let state = match (
        s.get("in-envelope").and_then(Json::as_bool),
        s.get("digest-matches").and_then(Json::as_bool),
    ) {
        (Some(true), Some(true)) => "carried by the envelope, digest matches",
        (Some(true), Some(false)) => "carried by the envelope, DIGEST DOES NOT MATCH",
        (Some(true), None) => "carried by the envelope, digest not checked",
        _ => "not in this envelope",
    };
    format!("  (severed: {digest}; {state})")
}

fn commands_text(o: &mut String, seq: &Json, indent: usize) {
    let pad = " ".repeat(indent);
    let Some(cmds) = seq.as_array() else {
        let _ = writeln!(o, "{pad}{}", scalar(Some(seq)));
        return;
    };
    for c in cmds {
        if let Some(e) = c.get("error").and_then(Json::as_str) {
            let _ = writeln!(o, "{pad}error: {e}");
            continue;
        }
        let name = c.get("command").and_then(Json::as_str).unwrap_or("?");
        let id = scalar(c.get("id"));
        let label = if name == "custom" {
            format!("custom({id})")
        } else {
            name.to_owned()
        };
        if let Some(p) = c.get("policy") {
            let _ = writeln!(o, "{pad}{label:<24} policy {}", scalar(Some(p)));
        } else if let Some(i) = c.get("index") {
            let _ = writeln!(o, "{pad}{label:<24} {}", scalar(Some(i)));
        } else if let Some(Json::Object(params)) = c.get("parameters") {
            let _ = writeln!(o, "{pad}{label}");
            for (k, v) in params {
                let _ = writeln!(o, "{pad}  {k:<18} {}", scalar(Some(v)));
            }
        } else if let Some(Json::Object(per)) = c.get("components") {
            let _ = writeln!(o, "{pad}{label}");
            for (idx, params) in per {
                let _ = writeln!(o, "{pad}  component {idx}");
                if let Json::Object(params) = params {
                    for (k, v) in params {
                        let _ = writeln!(o, "{pad}    {k:<18} {}", scalar(Some(v)));
                    }
                }
            }
        } else if let Some(alts) = c.get("alternatives").and_then(Json::as_array) {
            let _ = writeln!(o, "{pad}{label}");
            for (i, a) in alts.iter().enumerate() {
                let _ = writeln!(o, "{pad}  alternative {}", i.saturating_add(1));
                commands_text(o, a, indent.saturating_add(4));
            }
            if c.get("trailing-null").and_then(Json::as_bool) == Some(true) {
                let _ = writeln!(o, "{pad}  (or nothing: trailing null)");
            }
        } else if let Some(s) = c.get("sequence") {
            let _ = writeln!(o, "{pad}{label}");
            commands_text(o, s, indent.saturating_add(2));
        } else if let Some(a) = c.get("argument") {
            let _ = writeln!(o, "{pad}{label:<24} {}", scalar(Some(a)));
        } else {
            let _ = writeln!(o, "{pad}{label}");
        }
    }
}

fn text_entries(o: &mut String, entries: &Json, indent: usize) {
    let pad = " ".repeat(indent);
    let Some(map) = entries.as_object() else {
        let _ = writeln!(o, "{pad}{}", scalar(Some(entries)));
        return;
    };
    for (k, v) in map {
        if v.is_object() {
            let _ = writeln!(o, "{pad}component {}", clean(k));
            text_entries(o, v, indent.saturating_add(2));
        } else {
            let _ = writeln!(o, "{pad}{:<22} {}", clean(k), scalar(Some(v)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_not_panicking() {
        // Not an envelope: refused with a reason.
        for (b, why) in [
            (&[][..], "truncated"),
            (&[0xff], "indefinite length or break"),
            (&[0x01], "expected a map tagged 107"),
            (&[0xd8, 0x6b, 0x01], "expected a map tagged 107"),
        ] {
            let e = model(b).err().unwrap_or_default();
            assert!(e.starts_with("not a SUIT envelope: "), "{b:02x?}: {e:?}");
            assert!(e.contains(why), "{b:02x?}: {e}");
        }
        // An empty tagged map is shown (inspect shows what is there).
        assert!(model(&[0xd8, 0x6b, 0xa0]).is_ok());
    }

    #[test]
    fn deep_nesting_is_cut() {
        // run-sequence nested far deeper than MAX_NESTING.
        let mut seq = cbor::encode(&Value::Array(vec![Value::Uint(14), Value::Uint(0)]));
        for _ in 0..40 {
            seq = cbor::encode(&Value::Array(vec![Value::Uint(32), Value::Bytes(seq)]));
        }
        let j = sequence_json(&seq, 0);
        assert!(j.is_ok());
        assert!(
            serde_json::to_string(&j.unwrap_or_default())
                .unwrap_or_default()
                .contains("nested deeper")
        );
    }
}
