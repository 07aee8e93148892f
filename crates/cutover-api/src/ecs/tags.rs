//! ECS tag operations: TagResource, UntagResource, ListTagsForResource, for every resource kind
//! [`cutover_core::ecs::TaggableResource`] resolves (clusters and task definitions today).

use serde::{Deserialize, Serialize};

use cutover_core::ecs::tags::{self as core_tags, ArnProblem, MAX_TAGS};
use cutover_core::ecs::{Tag as CoreTag, TaggableResource};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::clusters::validate_tags;
use super::shapes::{Empty, Tag};
use super::{client_exception, cluster_not_found, invalid_parameter};

/// Which operation asks: `ResourceNotFoundException` is modeled for TagResource and
/// UntagResource only, so ListTagsForResource reports a missing resource as `ClientException`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Mutate,
    List,
}

fn not_found(r: &TaggableResource, caller: Caller) -> AwsError {
    match (r, caller) {
        (TaggableResource::Cluster(_), _) => cluster_not_found(),
        (_, Caller::Mutate) => AwsError::client(
            "ResourceNotFoundException",
            "The specified resource could not be found.",
        ),
        (TaggableResource::TaskDefinition { .. }, Caller::List) => {
            client_exception("Unable to describe task definition.")
        }
        (_, Caller::List) => client_exception("The specified resource could not be found."),
    }
}

fn resolve(s: &Scope<'_>, arn: &str, caller: Caller) -> Result<TaggableResource, AwsError> {
    match TaggableResource::from_arn(arn, &s.pk.region, &s.pk.account) {
        Ok(r) => match s.state.ecs.tags(&r) {
            Some(_) => Ok(r),
            None => Err(not_found(&r, caller)),
        },
        Err(ArnProblem::OtherPartition(r)) => Err(not_found(&r, caller)),
        Err(ArnProblem::Invalid) => Err(invalid_parameter(format!(
            "The ARN '{arn}' is not a valid ECS resource ARN."
        ))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagResourceRequest {
    pub resource_arn: String,
    pub tags: Vec<Tag>,
}

fn too_many() -> AwsError {
    AwsError::client(
        "LimitExceededException",
        format!("Too many tags: a resource can have at most {MAX_TAGS} tags."),
    )
}

fn checked_tags(tags: Vec<Tag>) -> Result<Vec<CoreTag>, AwsError> {
    if tags.len() > MAX_TAGS {
        return Err(too_many());
    }
    let tags = validate_tags(Some(tags))?;
    if let Some(t) = tags
        .iter()
        .find(|t| t.key.to_ascii_lowercase().starts_with("aws:"))
    {
        return Err(invalid_parameter(format!(
            "Tag key '{}' uses the reserved prefix 'aws:'.",
            t.key
        )));
    }
    Ok(tags)
}

pub fn tag_resource(s: &mut Scope<'_>, input: TagResourceRequest) -> Result<Empty, AwsError> {
    let r = resolve(s, &input.resource_arn, Caller::Mutate)?;
    let new = checked_tags(input.tags)?;
    let existing = s
        .state
        .ecs
        .tags_mut(&r)
        .ok_or_else(|| not_found(&r, Caller::Mutate))?;
    if core_tags::merged_len(existing, &new) > MAX_TAGS {
        return Err(too_many());
    }
    core_tags::merge(existing, new);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UntagResourceRequest {
    pub resource_arn: String,
    pub tag_keys: Vec<String>,
}

pub fn untag_resource(s: &mut Scope<'_>, input: UntagResourceRequest) -> Result<Empty, AwsError> {
    let r = resolve(s, &input.resource_arn, Caller::Mutate)?;
    if let Some(k) = input
        .tag_keys
        .iter()
        .find(|k| k.is_empty() || k.len() > 128)
    {
        return Err(invalid_parameter(format!(
            "Tag key '{k}' must be between 1 and 128 characters."
        )));
    }
    let existing = s
        .state
        .ecs
        .tags_mut(&r)
        .ok_or_else(|| not_found(&r, Caller::Mutate))?;
    core_tags::remove(existing, &input.tag_keys);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTagsForResourceRequest {
    pub resource_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTagsForResourceResponse {
    pub tags: Vec<Tag>,
}

pub fn list_tags_for_resource(
    s: &mut Scope<'_>,
    input: ListTagsForResourceRequest,
) -> Result<ListTagsForResourceResponse, AwsError> {
    let r = resolve(s, &input.resource_arn, Caller::List)?;
    let tags = s
        .state
        .ecs
        .tags(&r)
        .ok_or_else(|| not_found(&r, Caller::List))?;
    Ok(ListTagsForResourceResponse {
        tags: tags.iter().map(Tag::from_core).collect(),
    })
}
