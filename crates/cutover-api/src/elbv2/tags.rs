//! ELBv2 tags on load balancers, target groups, listeners and rules.

use cutover_core::ecs::Tag;
use cutover_core::elbv2::Elbv2State;
use cutover_core::Scope;
use cutover_wire::query::QueryView;
use cutover_wire::xml::XmlWriter;
use cutover_wire::AwsError;

use super::listeners::listener_not_found;
use super::load_balancers::lb_not_found;
use super::rules::rule_not_found;
use super::target_groups::tg_not_found;
use super::{check_tag_key, err, required_strings, tags, write_tags, Empty, FromQuery, ToXml};

/// The tags of the resource an ARN names, or the matching not-found error.
fn tags_of<'a>(st: &'a Elbv2State, arn: &str) -> Result<&'a Vec<Tag>, AwsError> {
    if arn.contains(":loadbalancer/") {
        st.load_balancer_by_arn(arn)
            .map(|l| &l.tags)
            .ok_or_else(lb_not_found)
    } else if arn.contains(":targetgroup/") {
        st.target_group_by_arn(arn)
            .map(|t| &t.tags)
            .ok_or_else(tg_not_found)
    } else if arn.contains(":listener-rule/") {
        st.rule(arn).map(|r| &r.tags).ok_or_else(rule_not_found)
    } else if arn.contains(":listener/") {
        st.listener(arn)
            .map(|l| &l.tags)
            .ok_or_else(listener_not_found)
    } else {
        Err(AwsError::validation_error(format!(
            "'{arn}' is not a valid Elastic Load Balancing resource ARN"
        )))
    }
}

fn tags_of_mut<'a>(st: &'a mut Elbv2State, arn: &str) -> Option<&'a mut Vec<Tag>> {
    if arn.contains(":loadbalancer/") {
        st.load_balancer_by_arn_mut(arn).map(|l| &mut l.tags)
    } else if arn.contains(":targetgroup/") {
        st.target_group_by_arn_mut(arn).map(|t| &mut t.tags)
    } else if arn.contains(":listener-rule/") {
        st.rule_mut(arn).map(|r| &mut r.tags)
    } else {
        st.listener_mut(arn).map(|l| &mut l.tags)
    }
}

fn resource_arns(q: &QueryView<'_>) -> Result<Vec<String>, AwsError> {
    let arns = required_strings(q, "ResourceArns")?;
    if arns.len() > 20 {
        return Err(AwsError::validation_error(
            "At most 20 resource ARNs can be specified",
        ));
    }
    Ok(arns)
}

pub struct AddTagsInput {
    arns: Vec<String>,
    tags: Vec<Tag>,
}

impl FromQuery for AddTagsInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        let tags = tags(q)?;
        if tags.is_empty() {
            return Err(cutover_wire::query::missing("tags"));
        }
        Ok(AddTagsInput {
            arns: resource_arns(q)?,
            tags,
        })
    }
}

pub fn add_tags(s: &mut Scope<'_>, input: AddTagsInput) -> Result<Empty, AwsError> {
    let st = &mut s.state.elbv2;
    for arn in &input.arns {
        let existing = tags_of(st, arn)?;
        let added = input
            .tags
            .iter()
            .filter(|t| !existing.iter().any(|e| e.key == t.key))
            .count();
        if existing.len() + added > 50 {
            return Err(err(
                "TooManyTags",
                format!("The resource '{arn}' would have more than 50 tags"),
            ));
        }
    }
    for arn in &input.arns {
        let tags = tags_of_mut(st, arn).expect("checked above");
        for t in &input.tags {
            match tags.iter_mut().find(|e| e.key == t.key) {
                Some(e) => e.value = t.value.clone(),
                None => tags.push(t.clone()),
            }
        }
    }
    Ok(Empty)
}

pub struct RemoveTagsInput {
    arns: Vec<String>,
    keys: Vec<String>,
}

impl FromQuery for RemoveTagsInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        let keys = required_strings(q, "TagKeys")?;
        for k in &keys {
            check_tag_key(k)?;
        }
        Ok(RemoveTagsInput {
            arns: resource_arns(q)?,
            keys,
        })
    }
}

pub fn remove_tags(s: &mut Scope<'_>, input: RemoveTagsInput) -> Result<Empty, AwsError> {
    let st = &mut s.state.elbv2;
    for arn in &input.arns {
        tags_of(st, arn)?;
    }
    for arn in &input.arns {
        tags_of_mut(st, arn)
            .expect("checked above")
            .retain(|t| !input.keys.contains(&t.key));
    }
    Ok(Empty)
}

pub struct DescribeTagsInput {
    arns: Vec<String>,
}

impl FromQuery for DescribeTagsInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(DescribeTagsInput {
            arns: resource_arns(q)?,
        })
    }
}

pub struct DescribeTagsOutput<'a> {
    rows: Vec<(String, &'a Vec<Tag>)>,
}

impl ToXml for DescribeTagsOutput<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.list("TagDescriptions", &self.rows, |w, (arn, tags)| {
            w.text_elem("ResourceArn", arn);
            write_tags(w, tags);
        });
    }
}

pub fn describe_tags<'s>(
    s: &'s mut Scope<'_>,
    input: DescribeTagsInput,
) -> Result<DescribeTagsOutput<'s>, AwsError> {
    let st = &s.state.elbv2;
    let rows = input
        .arns
        .into_iter()
        .map(|a| tags_of(st, &a).map(|t| (a, t)))
        .collect::<Result<_, _>>()?;
    Ok(DescribeTagsOutput { rows })
}
