//! ECS `ContainerDefinition` input: the members RegisterTaskDefinition validates are typed, every
//! other member is kept as given and echoed back; AWS's defaults are filled in.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use cutover_core::ecs::task_definitions::{ContainerDefinition, PortMapping};
use cutover_wire::AwsError;

use super::client_exception;
use super::shapes::KeyValuePair;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TransportProtocol {
    Tcp,
    Udp,
}

impl TransportProtocol {
    pub fn as_str(self) -> &'static str {
        match self {
            TransportProtocol::Tcp => "tcp",
            TransportProtocol::Udp => "udp",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ApplicationProtocol {
    Http,
    Http2,
    Grpc,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortMappingInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<TransportProtocol>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<ApplicationProtocol>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A container definition as sent: typed where validated, the rest passed through.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDefinitionInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reservation: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub essential: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_mappings: Option<Vec<PortMappingInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Vec<KeyValuePair>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_points: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes_from: Option<Vec<Value>>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Removes `null` members (clients never send them; we must never echo them).
pub fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => {
            a.retain(|x| !x.is_null());
            a.iter_mut().for_each(strip_nulls);
        }
        _ => {}
    }
}

pub fn strip_map_nulls(m: &mut Map<String, Value>) {
    m.retain(|_, x| !x.is_null());
    m.values_mut().for_each(strip_nulls);
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 255
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Validates the containers of a task definition (`ClientException`, as ECS does) and turns them
/// into the stored form with AWS's defaults. `host_ports_match`: awsvpc and host network modes,
/// where a host port is the container port.
pub fn build_containers(
    input: Vec<ContainerDefinitionInput>,
    task_memory: bool,
    host_ports_match: bool,
) -> Result<Vec<ContainerDefinition>, AwsError> {
    if input.is_empty() {
        return Err(client_exception("Container list cannot be empty."));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(input.len());
    for mut c in input {
        let name = match c.name.as_deref() {
            Some(n) if !n.is_empty() => n.to_owned(),
            _ => {
                return Err(client_exception(
                    "Container.name should not be null or empty.",
                ))
            }
        };
        if !valid_name(&name) {
            return Err(client_exception(format!(
                "Invalid container name '{name}': up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
            )));
        }
        let image = match c.image.as_deref() {
            Some(i) if !i.trim().is_empty() => i.to_owned(),
            _ => {
                return Err(client_exception(
                    "Container.image should not be null or empty.",
                ))
            }
        };
        if !seen.insert(name.clone()) {
            return Err(client_exception(format!(
                "Duplicate container name '{name}': container names must be unique within a task definition."
            )));
        }
        if !task_memory && c.memory.is_none() && c.memory_reservation.is_none() {
            return Err(client_exception(format!(
                "Invalid setting for container '{name}'. At least one of 'memory' or 'memoryReservation' must be specified."
            )));
        }
        for (member, v) in [
            ("cpu", c.cpu),
            ("memory", c.memory),
            ("memoryReservation", c.memory_reservation),
        ] {
            if v.is_some_and(|n| n < 0) {
                return Err(client_exception(format!(
                    "Invalid setting for container '{name}'. '{member}' must not be negative."
                )));
            }
        }
        if let (Some(m), Some(r)) = (c.memory, c.memory_reservation) {
            if r > m {
                return Err(client_exception(format!(
                    "Invalid setting for container '{name}'. The memory reservation must be less than or equal to the memory limit."
                )));
            }
        }
        let mut ports = Vec::new();
        for pm in c.port_mappings.iter_mut().flatten() {
            if pm.container_port.is_none() && !pm.other.contains_key("containerPortRange") {
                return Err(client_exception(format!(
                    "Invalid setting for container '{name}'. A port mapping needs a containerPort or a containerPortRange."
                )));
            }
            for p in [pm.container_port, pm.host_port].into_iter().flatten() {
                if !(0..=65535).contains(&p) {
                    return Err(client_exception(format!(
                        "Invalid setting for container '{name}'. Port {p} is outside 0-65535."
                    )));
                }
            }
            if host_ports_match {
                match (pm.container_port, pm.host_port) {
                    (Some(cp), Some(hp)) if cp != hp => {
                        return Err(client_exception(
                            "When networkMode=awsvpc, the host ports and container ports in port mappings must match.",
                        ))
                    }
                    (Some(cp), None) => pm.host_port = Some(cp),
                    _ => {}
                }
            } else if pm.container_port.is_some() && pm.host_port.is_none() {
                // Bridge mode: 0 asks for a dynamic host port, which is what AWS echoes.
                pm.host_port = Some(0);
            }
            let protocol = *pm.protocol.get_or_insert(TransportProtocol::Tcp);
            strip_map_nulls(&mut pm.other);
            ports.push(PortMapping {
                container_port: pm.container_port,
                host_port: pm.host_port,
                protocol: protocol.as_str().to_owned(),
            });
        }
        let essential = *c.essential.get_or_insert(true);
        c.cpu.get_or_insert(0);
        c.port_mappings.get_or_insert_with(Vec::new);
        c.environment.get_or_insert_with(Vec::new);
        c.mount_points.get_or_insert_with(Vec::new);
        c.volumes_from.get_or_insert_with(Vec::new);
        strip_map_nulls(&mut c.other);
        let document = serde_json::to_value(&c)
            .map_err(|e| client_exception(format!("Invalid container definition: {e}")))?;
        out.push(ContainerDefinition {
            name,
            image,
            essential,
            port_mappings: ports,
            document,
        });
    }
    if !out.iter().any(|c| c.essential) {
        return Err(client_exception(
            "A task definition must have at least one essential container.",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Vec<ContainerDefinitionInput> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn defaults_and_pass_through() {
        let c = parse(serde_json::json!([{
            "name": "app", "image": "nginx", "memory": 128,
            "portMappings": [{"containerPort": 80, "name": "web"}],
            "healthCheck": {"command": ["CMD", "true"], "interval": 30},
            "logConfiguration": null
        }]));
        let out = build_containers(c, false, true).unwrap();
        let d = &out[0].document;
        assert_eq!(d["essential"], true);
        assert_eq!(d["cpu"], 0);
        assert_eq!(d["portMappings"][0]["hostPort"], 80);
        assert_eq!(d["portMappings"][0]["protocol"], "tcp");
        assert_eq!(d["portMappings"][0]["name"], "web");
        assert_eq!(d["healthCheck"]["interval"], 30);
        assert!(d.get("logConfiguration").is_none());
        assert_eq!(d["environment"], serde_json::json!([]));
        assert_eq!(d["mountPoints"], serde_json::json!([]));
        assert_eq!(d["volumesFrom"], serde_json::json!([]));
        assert_eq!(out[0].port_mappings[0].host_port, Some(80));
    }

    #[test]
    fn bridge_host_port_defaults_to_dynamic() {
        let c = parse(serde_json::json!([{"name": "a", "image": "i", "memory": 1,
            "portMappings": [{"containerPort": 80, "protocol": "udp"}]}]));
        let out = build_containers(c, false, false).unwrap();
        assert_eq!(out[0].document["portMappings"][0]["hostPort"], 0);
        assert_eq!(out[0].document["portMappings"][0]["protocol"], "udp");
    }

    #[test]
    fn rejects_no_essential_container() {
        let c = parse(serde_json::json!([{"name": "a", "image": "i", "essential": false}]));
        let e = build_containers(c, true, false).unwrap_err();
        assert_eq!(e.code, "ClientException");
    }
}
