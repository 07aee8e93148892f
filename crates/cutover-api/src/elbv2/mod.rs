//! ELBv2 (awsQuery `Version=2015-12-01`, XML responses): shapes and handlers. Error codes are
//! the model's wire codes (`LoadBalancerNotFound`, not `LoadBalancerNotFoundException`);
//! parameter constraint violations are `ValidationError`.

use cutover_core::ecs::Tag;
use cutover_wire::query::QueryView;
use cutover_wire::xml::{XmlWriter, ELBV2_NS};
use cutover_wire::AwsError;

pub mod actions;
pub mod listeners;
pub mod load_balancers;
pub mod rules;
pub mod tags;
pub mod target_groups;
pub mod targets;

crate::operations!(query Elbv2Operation, ns = ELBV2_NS, {
    CreateLoadBalancer => load_balancers::create_load_balancer,
    DescribeLoadBalancers => load_balancers::describe_load_balancers,
    DeleteLoadBalancer => load_balancers::delete_load_balancer,
    DescribeLoadBalancerAttributes => load_balancers::describe_load_balancer_attributes,
    ModifyLoadBalancerAttributes => load_balancers::modify_load_balancer_attributes,
    CreateTargetGroup => target_groups::create_target_group,
    DescribeTargetGroups => target_groups::describe_target_groups,
    ModifyTargetGroup => target_groups::modify_target_group,
    DeleteTargetGroup => target_groups::delete_target_group,
    DescribeTargetGroupAttributes => target_groups::describe_target_group_attributes,
    ModifyTargetGroupAttributes => target_groups::modify_target_group_attributes,
    RegisterTargets => targets::register_targets,
    DeregisterTargets => targets::deregister_targets,
    DescribeTargetHealth => targets::describe_target_health,
    CreateListener => listeners::create_listener,
    DescribeListeners => listeners::describe_listeners,
    ModifyListener => listeners::modify_listener,
    DeleteListener => listeners::delete_listener,
    CreateRule => rules::create_rule,
    DescribeRules => rules::describe_rules,
    ModifyRule => rules::modify_rule,
    DeleteRule => rules::delete_rule,
    SetRulePriorities => rules::set_rule_priorities,
    AddTags => tags::add_tags,
    RemoveTags => tags::remove_tags,
    DescribeTags => tags::describe_tags,
});

/// An operation input read from awsQuery parameters.
pub trait FromQuery: Sized {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError>;
}

/// An operation output written inside `<{Op}Result>`.
pub trait ToXml {
    fn write_xml(&self, w: &mut XmlWriter);
}

/// Output of operations whose result element is empty.
pub struct Empty;

impl ToXml for Empty {
    fn write_xml(&self, _w: &mut XmlWriter) {}
}

pub fn err(code: &'static str, message: impl Into<String>) -> AwsError {
    AwsError::client(code, message)
}

/// ELBv2 `PageSize` (1–400; default 400).
pub fn page_size(q: &QueryView<'_>) -> Result<usize, AwsError> {
    Ok(q.int_in("PageSize", 1, 400)?.unwrap_or(400) as usize)
}

pub fn bad_marker() -> AwsError {
    AwsError::validation_error("The marker is not valid: it was not returned by a previous call.")
}

/// An optional list of strings, owned.
pub fn strings(q: &QueryView<'_>, name: &str) -> Option<Vec<String>> {
    q.str_list(name)
        .map(|v| v.into_iter().map(str::to_owned).collect())
}

/// A list member that must be present and non-empty.
pub fn required_strings(q: &QueryView<'_>, name: &str) -> Result<Vec<String>, AwsError> {
    match strings(q, name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(cutover_wire::query::missing(&q.path(name))),
    }
}

/// `Tags.member.N.Key` / `.Value`, checked for duplicates and the 50-tag limit.
pub fn tags(q: &QueryView<'_>) -> Result<Vec<Tag>, AwsError> {
    let Some(items) = q.struct_list("Tags") else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Tag> = Vec::with_capacity(items.len());
    for t in items {
        let key = t.req_str("Key")?;
        check_tag_key(key)?;
        if out.iter().any(|o| o.key == key) {
            return Err(err(
                "DuplicateTagKeys",
                format!("Tag key '{key}' specified more than once"),
            ));
        }
        out.push(Tag {
            key: key.to_owned(),
            value: t.str("Value").unwrap_or("").to_owned(),
        });
    }
    if out.len() > 50 {
        return Err(err("TooManyTags", "A resource can have at most 50 tags"));
    }
    Ok(out)
}

pub fn check_tag_key(key: &str) -> Result<(), AwsError> {
    if key.is_empty() || key.chars().count() > 128 {
        return Err(AwsError::validation_error(
            "Tag keys must be between 1 and 128 characters long",
        ));
    }
    if key.starts_with("aws:") {
        return Err(AwsError::validation_error(
            "Tag keys starting with 'aws:' are reserved for AWS use",
        ));
    }
    Ok(())
}

/// Writes an ISO 8601 timestamp element.
pub fn time_elem(w: &mut XmlWriter, tag: &str, t: cutover_core::VTime) {
    w.text_elem(tag, &cutover_wire::time::iso8601(t.millis()));
}

/// `<Tags><member><Key/><Value/></member>...</Tags>`; omitted when empty (the model's
/// `TagList` has at least one member).
pub fn write_tags(w: &mut XmlWriter, tags: &[Tag]) {
    if tags.is_empty() {
        return;
    }
    w.list("Tags", tags, |w, t| {
        w.text_elem("Key", &t.key);
        w.text_elem("Value", &t.value);
    });
}

/// Checks a load balancer or target group name: 1–32 alphanumerics or hyphens, no leading or
/// trailing hyphen.
pub fn check_name(kind: &str, name: &str) -> Result<(), AwsError> {
    let bad = |why: &str| {
        AwsError::validation_error(format!("The {kind} name '{name}' is not valid: {why}"))
    };
    if name.is_empty() || name.len() > 32 {
        return Err(bad("it must be between 1 and 32 characters long"));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(bad(
            "it can contain only alphanumeric characters and hyphens",
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err(bad("it cannot begin or end with a hyphen"));
    }
    Ok(())
}

/// `Attributes.member.N.Key/Value`, required and non-empty.
pub fn attributes(q: &QueryView<'_>) -> Result<Vec<(String, String)>, AwsError> {
    let items = q
        .struct_list("Attributes")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| cutover_wire::query::missing(&q.path("Attributes")))?;
    items
        .iter()
        .map(|a| {
            Ok((
                a.req_str("Key")?.to_owned(),
                a.str("Value").unwrap_or("").to_owned(),
            ))
        })
        .collect()
}

pub fn write_attributes<'a>(
    w: &mut XmlWriter,
    attrs: impl IntoIterator<Item = (&'a String, &'a String)>,
) {
    w.list("Attributes", attrs, |w, (k, v)| {
        w.text_elem("Key", k);
        w.text_elem("Value", v);
    });
}
