//! ELBv2 (awsQuery `Version=2015-12-01`, XML responses): shapes and handlers. Error codes are
//! the model's wire codes (`LoadBalancerNotFound`, not `LoadBalancerNotFoundException`);
//! parameter constraint violations are `ValidationError`.

use cutover_wire::query::QueryView;
use cutover_wire::xml::{XmlWriter, ELBV2_NS};
use cutover_wire::AwsError;

pub mod load_balancers;

crate::operations!(query Elbv2Operation, ns = ELBV2_NS, {
    CreateLoadBalancer => load_balancers::create_load_balancer,
    DescribeLoadBalancers => load_balancers::describe_load_balancers,
    DeleteLoadBalancer => load_balancers::delete_load_balancer,
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

/// ELBv2 `PageSize` (1–400; default 400) and `Marker`.
pub fn page_size(q: &QueryView<'_>) -> Result<usize, AwsError> {
    Ok(q.int_in("PageSize", 1, 400)?.unwrap_or(400) as usize)
}

pub fn bad_marker() -> AwsError {
    AwsError::validation_error("The marker is not valid: it was not returned by a previous call.")
}

/// `Tags.member.N.Key` / `.Value`.
pub fn tags(q: &QueryView<'_>) -> Result<Vec<cutover_core::ecs::Tag>, AwsError> {
    let Some(items) = q.struct_list("Tags") else {
        return Ok(Vec::new());
    };
    let mut out: Vec<cutover_core::ecs::Tag> = Vec::with_capacity(items.len());
    for t in items {
        let key = t.req_str("Key")?;
        if key.is_empty() || key.len() > 128 {
            return Err(AwsError::validation_error(
                "Tag keys must be between 1 and 128 characters long",
            ));
        }
        if out.iter().any(|o| o.key == key) {
            return Err(err(
                "DuplicateTagKeys",
                format!("Tag key '{key}' specified more than once"),
            ));
        }
        out.push(cutover_core::ecs::Tag {
            key: key.to_owned(),
            value: t.str("Value").unwrap_or("").to_owned(),
        });
    }
    if out.len() > 50 {
        return Err(err("TooManyTags", "A resource can have at most 50 tags"));
    }
    Ok(out)
}

/// Writes an ISO 8601 timestamp element.
pub fn time_elem(w: &mut XmlWriter, tag: &str, t: cutover_core::VTime) {
    w.text_elem(tag, &cutover_wire::time::iso8601(t.millis()));
}
