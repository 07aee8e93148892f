//! CodeDeploy tag operations: TagResource, UntagResource, ListTagsForResource, for application
//! and deployment group ARNs ([`cutover_core::codedeploy::CodeDeployResource`]); also the tag
//! validation shared with CreateDeploymentGroup.

use serde::{Deserialize, Serialize};

use cutover_core::codedeploy::tags::{ArnProblem, MAX_TAGS};
use cutover_core::codedeploy::CodeDeployResource;
use cutover_core::ecs::tags as tag_rules;
use cutover_core::ecs::Tag as CoreTag;
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::applications::{application_not_found, Tag};
use super::deployment_groups::group_not_found;
use super::{err, Empty};

fn bad_tags(message: impl Into<String>) -> AwsError {
    err("InvalidTagsToAddException", message)
}

/// Keys of 1–128 characters, not starting with `aws:`; values up to 256 characters; at most
/// [`MAX_TAGS`]. All failures are `InvalidTagsToAddException`.
pub(crate) fn checked_tags(tags: Option<Vec<Tag>>) -> Result<Vec<CoreTag>, AwsError> {
    let tags = tags.unwrap_or_default();
    if tags.len() > MAX_TAGS {
        return Err(bad_tags(format!(
            "Too many tags: a resource can have at most {MAX_TAGS} tags."
        )));
    }
    tags.into_iter()
        .map(|t| {
            let key = t.key.unwrap_or_default();
            let value = t.value.unwrap_or_default();
            if key.is_empty() || key.chars().count() > 128 {
                return Err(bad_tags("Tag keys must be between 1 and 128 characters."));
            }
            if key.to_ascii_lowercase().starts_with("aws:") {
                return Err(bad_tags(format!(
                    "Tag key '{key}' uses the reserved prefix 'aws:'."
                )));
            }
            if value.chars().count() > 256 {
                return Err(bad_tags("Tag values must be at most 256 characters."));
            }
            Ok(CoreTag { key, value })
        })
        .collect()
}

fn not_found(r: &CodeDeployResource) -> AwsError {
    match r {
        CodeDeployResource::Application(name) => application_not_found(name),
        CodeDeployResource::DeploymentGroup { name, .. } => group_not_found(name),
    }
}

fn arn_required() -> AwsError {
    err(
        "ResourceArnRequiredException",
        "The ARN of a resource must be specified.",
    )
}

fn invalid_arn(arn: &str) -> AwsError {
    err(
        "InvalidArnException",
        format!("The ARN '{arn}' is not a valid CodeDeploy resource ARN."),
    )
}

/// Resolves the ARN to a resource of this partition; `Err(None)` when it is well formed but
/// names nothing here (the caller picks the error its operation models).
fn resolve(s: &Scope<'_>, arn: Option<&str>) -> Result<CodeDeployResource, (AwsError, bool)> {
    let arn = match arn {
        None | Some("") => return Err((arn_required(), false)),
        Some(a) => a,
    };
    let r = match CodeDeployResource::from_arn(arn, &s.pk.region, &s.pk.account) {
        Ok(r) => r,
        Err(ArnProblem::OtherPartition(r)) => return Err((not_found(&r), true)),
        Err(ArnProblem::NotSupported) => {
            return Err((
                err(
                    "ArnNotSupportedException",
                    format!("Tags are not supported for the resource '{arn}'."),
                ),
                false,
            ))
        }
        Err(ArnProblem::Invalid) => return Err((invalid_arn(arn), false)),
    };
    match s.state.codedeploy.tags(&r) {
        Some(_) => Ok(r),
        None => Err((not_found(&r), true)),
    }
}

#[derive(Debug, Deserialize)]
pub struct TagResourceInput {
    #[serde(rename = "ResourceArn")]
    pub resource_arn: Option<String>,
    #[serde(rename = "Tags")]
    pub tags: Option<Vec<Tag>>,
}

fn tag_required() -> AwsError {
    err("TagRequiredException", "A tag must be specified.")
}

pub fn tag_resource(s: &mut Scope<'_>, input: TagResourceInput) -> Result<Empty, AwsError> {
    let r = resolve(s, input.resource_arn.as_deref()).map_err(|(e, _)| e)?;
    let tags = match input.tags {
        None => return Err(tag_required()),
        Some(t) if t.is_empty() => return Err(tag_required()),
        t => checked_tags(t)?,
    };
    let existing = s
        .state
        .codedeploy
        .tags_mut(&r)
        .ok_or_else(|| not_found(&r))?;
    if tag_rules::merged_len(existing, &tags) > MAX_TAGS {
        return Err(bad_tags(format!(
            "Too many tags: a resource can have at most {MAX_TAGS} tags."
        )));
    }
    tag_rules::merge(existing, tags);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
pub struct UntagResourceInput {
    #[serde(rename = "ResourceArn")]
    pub resource_arn: Option<String>,
    #[serde(rename = "TagKeys")]
    pub tag_keys: Option<Vec<String>>,
}

pub fn untag_resource(s: &mut Scope<'_>, input: UntagResourceInput) -> Result<Empty, AwsError> {
    let r = resolve(s, input.resource_arn.as_deref()).map_err(|(e, _)| e)?;
    let keys = match input.tag_keys {
        Some(k) if !k.is_empty() => k,
        _ => return Err(tag_required()),
    };
    let existing = s
        .state
        .codedeploy
        .tags_mut(&r)
        .ok_or_else(|| not_found(&r))?;
    tag_rules::remove(existing, &keys);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
pub struct ListTagsForResourceInput {
    #[serde(rename = "ResourceArn")]
    pub resource_arn: Option<String>,
    #[serde(rename = "NextToken")]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListTagsForResourceOutput {
    #[serde(rename = "Tags")]
    pub tags: Vec<Tag>,
}

/// All tags in one page (a resource holds at most [`MAX_TAGS`]), so `NextToken` is never
/// returned and an incoming one is ignored. The model lists no not-found error for this
/// operation, so a well-formed ARN of a resource that does not exist is `InvalidArnException`.
pub fn list_tags_for_resource(
    s: &mut Scope<'_>,
    input: ListTagsForResourceInput,
) -> Result<ListTagsForResourceOutput, AwsError> {
    let arn = input.resource_arn.as_deref();
    let r = resolve(s, arn).map_err(|(e, missing)| {
        if missing {
            err(
                "InvalidArnException",
                format!(
                    "The ARN '{}' does not name an existing resource.",
                    arn.unwrap_or_default()
                ),
            )
        } else {
            e
        }
    })?;
    let tags = s.state.codedeploy.tags(&r).unwrap_or_default();
    Ok(ListTagsForResourceOutput {
        tags: tags
            .iter()
            .map(|t| Tag {
                key: Some(t.key.clone()),
                value: Some(t.value.clone()),
            })
            .collect(),
    })
}
