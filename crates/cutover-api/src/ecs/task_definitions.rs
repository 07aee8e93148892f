//! ECS task definition operations: RegisterTaskDefinition, DescribeTaskDefinition,
//! ListTaskDefinitions, ListTaskDefinitionFamilies, DeregisterTaskDefinition,
//! DeleteTaskDefinitions.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use cutover_core::ecs::task_definitions::{
    task_definition_arn, DeleteRefusal, FamilyFilter, TaskDefinitionSpec,
};
use cutover_core::ecs::TaskDefinitionStatus;
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::clusters::{bad_token, max_results, validate_tags};
use super::container_definitions::ContainerDefinitionInput;
use super::container_definitions::{build_containers, strip_map_nulls, strip_nulls};
use super::shapes::{Failure, Tag, TaskDefinition};
use super::{client_exception, invalid_parameter};
use crate::page;

macro_rules! wire_enum {
    ($(#[$m:meta])* $Name:ident { $($Variant:ident = $wire:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
        pub enum $Name { $(#[serde(rename = $wire)] $Variant),* }

        impl $Name {
            pub fn as_str(self) -> &'static str {
                match self { $($Name::$Variant => $wire),* }
            }
        }
    };
}

wire_enum!(NetworkMode { Bridge = "bridge", Host = "host", Awsvpc = "awsvpc", None = "none" });
wire_enum!(Compatibility {
    Ec2 = "EC2",
    Fargate = "FARGATE",
    External = "EXTERNAL",
    ManagedInstances = "MANAGED_INSTANCES",
});
wire_enum!(PidMode { Host = "host", Task = "task" });
wire_enum!(IpcMode { Host = "host", Task = "task", None = "none" });

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterTaskDefinitionRequest {
    pub family: String,
    pub container_definitions: Vec<ContainerDefinitionInput>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub network_mode: Option<NetworkMode>,
    pub volumes: Option<Vec<Value>>,
    pub placement_constraints: Option<Vec<Value>>,
    pub requires_compatibilities: Option<Vec<Compatibility>>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub tags: Option<Vec<Tag>>,
    pub pid_mode: Option<PidMode>,
    pub ipc_mode: Option<IpcMode>,
    pub proxy_configuration: Option<Map<String, Value>>,
    pub inference_accelerators: Option<Vec<Value>>,
    pub ephemeral_storage: Option<Map<String, Value>>,
    pub runtime_platform: Option<Map<String, Value>>,
    pub enable_fault_injection: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinitionResponse {
    pub task_definition: TaskDefinition,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

fn valid_family(f: &str) -> bool {
    !f.is_empty()
        && f.len() <= 255
        && f.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Task-level `cpu` ("256", "0.25 vCPU", "1 vCPU") or `memory` ("512", "1 GB", "0.5GB"),
/// normalised to CPU units / MiB as AWS echoes them.
fn task_units(value: &str, suffix: &str) -> Option<u32> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok().filter(|n| *n > 0);
    }
    let lower = v.to_ascii_lowercase();
    let number = lower.strip_suffix(suffix)?.trim();
    let n: f64 = number.parse().ok()?;
    let units = n * 1024.0;
    (units >= 1.0 && units <= f64::from(u32::MAX) && units.fract() == 0.0).then_some(units as u32)
}

/// Fargate's valid task sizes (CPU units → memory MiB).
pub fn fargate_size_ok(cpu: u32, memory: u32) -> bool {
    let steps = |lo: u32, hi: u32, step: u32| (lo..=hi).step_by(step as usize).any(|m| m == memory);
    match cpu {
        256 => matches!(memory, 512 | 1024 | 2048),
        512 => steps(1024, 4096, 1024),
        1024 => steps(2048, 8192, 1024),
        2048 => steps(4096, 16384, 1024),
        4096 => steps(8192, 30720, 1024),
        8192 => steps(16384, 61440, 4096),
        16384 => steps(32768, 122880, 8192),
        _ => false,
    }
}

pub fn register_task_definition(
    s: &mut Scope<'_>,
    input: RegisterTaskDefinitionRequest,
) -> Result<TaskDefinitionResponse, AwsError> {
    let family = input.family;
    if !valid_family(&family) {
        return Err(client_exception(
            "Family name can have up to 255 characters; valid characters are letters (uppercase and lowercase), numbers, hyphens and underscores.",
        ));
    }
    let network_mode = input.network_mode.unwrap_or(NetworkMode::Bridge);
    let cpu =
        match input.cpu.as_deref() {
            None => None,
            Some(c) => Some(task_units(c, "vcpu").ok_or_else(|| {
                client_exception(format!("Invalid 'cpu' setting for task: '{c}'."))
            })?),
        };
    let memory = match input.memory.as_deref() {
        None => None,
        Some(m) => Some(task_units(m, "gb").ok_or_else(|| {
            client_exception(format!("Invalid 'memory' setting for task: '{m}'."))
        })?),
    };
    let containers = build_containers(
        input.container_definitions,
        memory.is_some(),
        matches!(network_mode, NetworkMode::Awsvpc | NetworkMode::Host),
    )?;
    let mut requires: Vec<Compatibility> = Vec::new();
    for c in input.requires_compatibilities.unwrap_or_default() {
        if !requires.contains(&c) {
            requires.push(c);
        }
    }
    let fargate_ok = network_mode == NetworkMode::Awsvpc
        && matches!((cpu, memory), (Some(c), Some(m)) if fargate_size_ok(c, m));
    if requires.contains(&Compatibility::Fargate) && !fargate_ok {
        if network_mode != NetworkMode::Awsvpc {
            return Err(client_exception(
                "Fargate only supports network mode 'awsvpc'.",
            ));
        }
        let (Some(c), Some(m)) = (cpu, memory) else {
            let missing = if cpu.is_none() { "cpu" } else { "memory" };
            return Err(client_exception(format!(
                "Fargate requires that '{missing}' be defined at the task level."
            )));
        };
        return Err(client_exception(format!(
            "No Fargate configuration exists for given values: {c} CPU, {m} memory. See the Amazon ECS documentation for the valid values."
        )));
    }
    let tags = validate_tags(input.tags)?;
    let mut compatibilities = vec!["EC2".to_owned()];
    if fargate_ok {
        compatibilities.push("FARGATE".to_owned());
    }
    for c in &requires {
        if matches!(c, Compatibility::External | Compatibility::ManagedInstances) {
            compatibilities.push(c.as_str().to_owned());
        }
    }

    let mut extra = Map::new();
    let list = |v: Option<Vec<Value>>| {
        let mut v = Value::Array(v.unwrap_or_default());
        strip_nulls(&mut v);
        v
    };
    extra.insert("volumes".into(), list(input.volumes));
    extra.insert(
        "placementConstraints".into(),
        list(input.placement_constraints),
    );
    if let Some(p) = input.pid_mode {
        extra.insert("pidMode".into(), p.as_str().into());
    }
    if let Some(i) = input.ipc_mode {
        extra.insert("ipcMode".into(), i.as_str().into());
    }
    for (key, v) in [
        ("proxyConfiguration", input.proxy_configuration),
        ("ephemeralStorage", input.ephemeral_storage),
        ("runtimePlatform", input.runtime_platform),
    ] {
        if let Some(mut m) = v {
            strip_map_nulls(&mut m);
            extra.insert(key.into(), Value::Object(m));
        }
    }
    if let Some(a) = input.inference_accelerators {
        extra.insert("inferenceAccelerators".into(), list(Some(a)));
    }
    if let Some(f) = input.enable_fault_injection {
        extra.insert("enableFaultInjection".into(), f.into());
    }

    let spec = TaskDefinitionSpec {
        family,
        containers,
        network_mode: network_mode.as_str().to_owned(),
        requires_compatibilities: requires.iter().map(|c| c.as_str().to_owned()).collect(),
        compatibilities,
        cpu: cpu.map(|c| c.to_string()),
        memory: memory.map(|m| m.to_string()),
        task_role_arn: input.task_role_arn,
        execution_role_arn: input.execution_role_arn,
        extra,
    };
    let (region, account) = (s.pk.region.clone(), s.pk.account.clone());
    let with_tags = !tags.is_empty();
    let td = s
        .state
        .ecs
        .task_definitions
        .register(&region, &account, spec, tags, s.now);
    Ok(TaskDefinitionResponse {
        task_definition: TaskDefinition::from_core(td),
        tags: with_tags.then(|| td.tags.iter().map(Tag::from_core).collect()),
    })
}

/// A task definition reference: `family`, `family:revision`, or the ARN of either in this
/// partition. `None` when malformed or of another partition.
pub fn task_definition_ref(
    reference: &str,
    region: &str,
    account: &str,
) -> Option<(String, Option<u32>)> {
    let id = match reference.strip_prefix("arn:") {
        None => reference,
        Some(_) => {
            let parts: Vec<&str> = reference.splitn(6, ':').collect();
            let [_, _, svc, r, a, res] = parts[..] else {
                return None;
            };
            if svc != "ecs" || r != region || a != account {
                return None;
            }
            res.strip_prefix("task-definition/")?
        }
    };
    let (family, revision) = match id.split_once(':') {
        None => (id, None),
        Some((f, r)) => (f, Some(r.parse::<u32>().ok().filter(|n| *n >= 1)?)),
    };
    valid_family(family).then(|| (family.to_owned(), revision))
}

fn unable_to_describe() -> AwsError {
    client_exception("Unable to describe task definition.")
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum TaskDefinitionField {
    #[serde(rename = "TAGS")]
    Tags,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeTaskDefinitionRequest {
    pub task_definition: String,
    pub include: Option<Vec<TaskDefinitionField>>,
}

pub fn describe_task_definition(
    s: &mut Scope<'_>,
    input: DescribeTaskDefinitionRequest,
) -> Result<TaskDefinitionResponse, AwsError> {
    let (family, revision) =
        task_definition_ref(&input.task_definition, &s.pk.region, &s.pk.account)
            .ok_or_else(unable_to_describe)?;
    let td = s
        .state
        .ecs
        .task_definitions
        .resolve(&family, revision)
        .ok_or_else(unable_to_describe)?;
    let with_tags = input
        .include
        .unwrap_or_default()
        .contains(&TaskDefinitionField::Tags);
    Ok(TaskDefinitionResponse {
        task_definition: TaskDefinition::from_core(td),
        tags: with_tags.then(|| td.tags.iter().map(Tag::from_core).collect()),
    })
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StatusFilter {
    Active,
    Inactive,
    DeleteInProgress,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTaskDefinitionsRequest {
    pub family_prefix: Option<String>,
    pub status: Option<StatusFilter>,
    pub sort: Option<SortOrder>,
    pub next_token: Option<String>,
    pub max_results: Option<i32>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTaskDefinitionsResponse {
    pub task_definition_arns: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_task_definitions(
    s: &mut Scope<'_>,
    input: ListTaskDefinitionsRequest,
) -> Result<ListTaskDefinitionsResponse, AwsError> {
    let limit = max_results(input.max_results)?;
    let after = match page::resume_after(input.next_token.as_deref(), bad_token)? {
        None => None,
        Some(k) => {
            let (f, r) = k.rsplit_once(':').ok_or_else(bad_token)?;
            Some((f.to_owned(), r.parse::<u32>().map_err(|_| bad_token())?))
        }
    };
    let status = match input.status.unwrap_or(StatusFilter::Active) {
        StatusFilter::Active => TaskDefinitionStatus::Active,
        StatusFilter::Inactive => TaskDefinitionStatus::Inactive,
        StatusFilter::DeleteInProgress => TaskDefinitionStatus::DeleteInProgress,
    };
    let desc = input.sort == Some(SortOrder::Desc);
    // `familyPrefix` is, despite its name, the full family (as the API reference says).
    let family = input.family_prefix.as_deref().filter(|f| !f.is_empty());
    let (tds, more) =
        s.state
            .ecs
            .task_definitions
            .list(family, status, desc, after.as_ref(), limit);
    let last = tds.last().map(|t| format!("{}:{}", t.family(), t.revision));
    Ok(ListTaskDefinitionsResponse {
        task_definition_arns: tds.iter().map(|t| t.arn.clone()).collect(),
        next_token: page::next_token(more, last.as_deref()),
    })
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum FamilyStatus {
    Active,
    Inactive,
    All,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTaskDefinitionFamiliesRequest {
    pub family_prefix: Option<String>,
    pub status: Option<FamilyStatus>,
    pub next_token: Option<String>,
    pub max_results: Option<i32>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTaskDefinitionFamiliesResponse {
    pub families: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_task_definition_families(
    s: &mut Scope<'_>,
    input: ListTaskDefinitionFamiliesRequest,
) -> Result<ListTaskDefinitionFamiliesResponse, AwsError> {
    let limit = max_results(input.max_results)?;
    let after = page::resume_after(input.next_token.as_deref(), bad_token)?;
    // Omitted status lists ACTIVE and INACTIVE families alike (API reference).
    let filter = match input.status.unwrap_or(FamilyStatus::All) {
        FamilyStatus::Active => FamilyFilter::Active,
        FamilyStatus::Inactive => FamilyFilter::Inactive,
        FamilyStatus::All => FamilyFilter::All,
    };
    let (families, more) = s.state.ecs.task_definitions.list_families(
        input.family_prefix.as_deref(),
        filter,
        after.as_deref(),
        limit,
    );
    Ok(ListTaskDefinitionFamiliesResponse {
        next_token: page::next_token(more, families.last().copied()),
        families: families.into_iter().map(str::to_owned).collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeregisterTaskDefinitionRequest {
    pub task_definition: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeregisterTaskDefinitionResponse {
    pub task_definition: TaskDefinition,
}

fn revision_required() -> AwsError {
    client_exception(
        "The specified task definition identifier is invalid. Specify a family and a revision (family:revision) or a full ARN and try again.",
    )
}

pub fn deregister_task_definition(
    s: &mut Scope<'_>,
    input: DeregisterTaskDefinitionRequest,
) -> Result<DeregisterTaskDefinitionResponse, AwsError> {
    let (family, revision) =
        task_definition_ref(&input.task_definition, &s.pk.region, &s.pk.account)
            .ok_or_else(unable_to_describe)?;
    let revision = revision.ok_or_else(revision_required)?;
    let td = s
        .state
        .ecs
        .task_definitions
        .deregister(&family, revision, s.now)
        .ok_or_else(unable_to_describe)?;
    Ok(DeregisterTaskDefinitionResponse {
        task_definition: TaskDefinition::from_core(td),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteTaskDefinitionsRequest {
    pub task_definitions: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteTaskDefinitionsResponse {
    pub task_definitions: Vec<TaskDefinition>,
    pub failures: Vec<Failure>,
}

pub fn delete_task_definitions(
    s: &mut Scope<'_>,
    input: DeleteTaskDefinitionsRequest,
) -> Result<DeleteTaskDefinitionsResponse, AwsError> {
    let refs = input.task_definitions;
    if refs.is_empty() || refs.len() > 10 {
        return Err(invalid_parameter(
            "DeleteTaskDefinitions accepts between 1 and 10 task definitions.",
        ));
    }
    let (region, account) = (s.pk.region.clone(), s.pk.account.clone());
    let mut out = DeleteTaskDefinitionsResponse {
        task_definitions: Vec::new(),
        failures: Vec::new(),
    };
    for r in refs {
        let parsed = task_definition_ref(&r, &region, &account);
        let Some((family, Some(revision))) = parsed else {
            out.failures.push(Failure {
                arn: r,
                reason: "The specified task definition identifier is invalid. Specify a valid name or ARN with a revision and try again.",
                detail: None,
            });
            continue;
        };
        match s
            .state
            .ecs
            .task_definitions
            .delete(&family, revision, s.now)
        {
            Ok(td) => out.task_definitions.push(TaskDefinition::from_core(td)),
            Err(refusal) => out.failures.push(Failure {
                arn: task_definition_arn(&region, &account, &family, revision),
                reason: match refusal {
                    DeleteRefusal::Missing => "The specified task definition does not exist.",
                    DeleteRefusal::StillActive => "The specified task definition is still in ACTIVE status. Please deregister the target and try again.",
                },
                detail: None,
            }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_fargate_sizes() {
        assert_eq!(task_units("256", "vcpu"), Some(256));
        assert_eq!(task_units("1 vCPU", "vcpu"), Some(1024));
        assert_eq!(task_units(".25 vcpu", "vcpu"), Some(256));
        assert_eq!(task_units("2 GB", "gb"), Some(2048));
        assert_eq!(task_units("0.5GB", "gb"), Some(512));
        assert_eq!(task_units("0", "vcpu"), None);
        assert_eq!(task_units("lots", "vcpu"), None);
        assert!(fargate_size_ok(256, 512));
        assert!(!fargate_size_ok(256, 4096));
        assert!(fargate_size_ok(1024, 3072));
        assert!(!fargate_size_ok(8192, 18432));
        assert!(fargate_size_ok(16384, 122880));
        assert!(!fargate_size_ok(300, 1024));
    }

    #[test]
    fn references() {
        let r = |x: &str| task_definition_ref(x, "us-east-1", "1");
        assert_eq!(r("web"), Some(("web".into(), None)));
        assert_eq!(r("web:3"), Some(("web".into(), Some(3))));
        assert_eq!(
            r("arn:aws:ecs:us-east-1:1:task-definition/web:3"),
            Some(("web".into(), Some(3)))
        );
        assert_eq!(r("arn:aws:ecs:us-east-1:2:task-definition/web:3"), None);
        assert_eq!(r("web:0"), None);
        assert_eq!(r("web:x"), None);
        assert_eq!(r("we b"), None);
        assert_eq!(r("arn:aws:ecs:us-east-1:1:cluster/web"), None);
    }
}
