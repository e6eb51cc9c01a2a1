//! `suit uuid`: the draft's recommended UUID5 identifiers, for scripts that
//! need the ids `suit create` derives from a domain name and a model string.

use clap::Args;
use suit_encoder::suit::param;

use crate::util::{CmdResult, parse_uuid, usage, uuid_string};

/// Arguments of `suit uuid`.
#[derive(Args, Debug)]
#[command(
    about = "Print the vendor id for a domain (UUID5), or with --model the class id",
    long_about = "Print the UUID5 identifiers draft-ietf-suit-manifest-37 recommends, the same \
        ones `suit create` derives from {\"domain\": ...} and {\"model\": ...}:\n\n\
        vendor-id = UUID5(DNS namespace, domain)\n\
        class-id  = UUID5(vendor-id, model)\n\n\
        `suit uuid --domain arm.com` prints fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe; \
        `suit uuid --domain arm.com --model suit` prints 1492af14-2569-5e48-bf42-9b2d51f2ab45."
)]
pub(crate) struct UuidArgs {
    /// The vendor's domain name, e.g. example.com.
    #[arg(long, value_name = "DOMAIN", conflicts_with = "vendor_id")]
    domain: Option<String>,
    /// A vendor id UUID to derive the class id from (instead of --domain).
    #[arg(long = "vendor-id", value_name = "UUID")]
    vendor_id: Option<String>,
    /// Model information: print the class id UUID5(vendor-id, MODEL).
    #[arg(long, value_name = "MODEL")]
    model: Option<String>,
}

/// The vendor id for `domain`: UUID5(DNS namespace, domain); `None` for an
/// empty domain. `suit uuid --domain` and `suit c-header --domain`.
pub(crate) fn vendor_id_from_domain(domain: &str) -> Option<[u8; 16]> {
    (!domain.is_empty()).then(|| param::vendor_id_from_domain(domain))
}

/// The class id for `model` under `vendor`: UUID5(vendor-id, model).
/// `suit uuid --model` and `suit c-header --model`.
pub(crate) fn class_id_from_model(vendor: &[u8; 16], model: &str) -> [u8; 16] {
    param::class_id_from(vendor, model)
}

/// A UUID given with `flag` (`--vendor-id`, `--class-id`).
pub(crate) fn uuid_arg(value: &str, flag: &str) -> CmdResult<[u8; 16]> {
    parse_uuid(value).ok_or_else(|| usage(format!("{flag} {value}: not a UUID")))
}

/// Run `suit uuid`.
pub(crate) fn run(args: &UuidArgs) -> CmdResult {
    let domain = args.domain.as_deref().and_then(vendor_id_from_domain);
    let vendor = match (domain, &args.vendor_id) {
        (Some(v), _) => v,
        (None, Some(v)) if args.domain.is_none() => uuid_arg(v, "--vendor-id")?,
        _ => return Err(usage("give --domain (or --vendor-id with --model)")),
    };
    match &args.model {
        Some(m) => crate::util::out(&format!(
            "{}\n",
            uuid_string(&class_id_from_model(&vendor, m))
        )),
        None if args.domain.is_some() => crate::util::out(&format!("{}\n", uuid_string(&vendor))),
        None => return Err(usage("--vendor-id needs --model")),
    }
    Ok(())
}
