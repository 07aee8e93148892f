//! ELBv2 load balancer operations.

use cutover_core::elbv2::{self as core_elb, LoadBalancer, NewLoadBalancer};
use cutover_core::Scope;
use cutover_wire::query::QueryView;
use cutover_wire::xml::XmlWriter;
use cutover_wire::AwsError;

use super::{bad_marker, err, page_size, tags, time_elem, Empty, FromQuery, ToXml};
use crate::page;

/// The hosted zone of ALBs in us-east-1 (AWS publishes one per region; we use one for all).
const CANONICAL_HOSTED_ZONE_ID: &str = "Z35SXDOTRQ7X7K";

fn write_load_balancer(w: &mut XmlWriter, lb: &LoadBalancer, region: &str) {
    w.text_elem("LoadBalancerArn", &lb.arn);
    w.text_elem("DNSName", &lb.dns_name);
    w.text_elem("CanonicalHostedZoneId", CANONICAL_HOSTED_ZONE_ID);
    time_elem(w, "CreatedTime", lb.created_at);
    w.text_elem("LoadBalancerName", &lb.name);
    w.text_elem("Scheme", &lb.scheme);
    w.text_elem("VpcId", &lb.vpc_id);
    w.open("State");
    w.text_elem("Code", lb.state.as_str());
    w.close("State");
    w.text_elem("Type", &lb.lb_type);
    w.list("AvailabilityZones", &lb.subnets, |w, subnet| {
        w.text_elem("ZoneName", &core_elb::zone_of(region, subnet));
        w.text_elem("SubnetId", subnet);
        w.empty("LoadBalancerAddresses");
    });
    if lb.lb_type == "application" {
        w.str_list(
            "SecurityGroups",
            lb.security_groups.iter().map(String::as_str),
        );
    }
    w.text_elem("IpAddressType", &lb.ip_address_type);
}

pub struct CreateLoadBalancerInput {
    pub name: String,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub scheme: String,
    pub lb_type: String,
    pub ip_address_type: String,
    pub tags: Vec<cutover_core::ecs::Tag>,
}

impl FromQuery for CreateLoadBalancerInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        let mut subnets: Vec<String> = q
            .str_list("Subnets")
            .unwrap_or_default()
            .into_iter()
            .map(str::to_owned)
            .collect();
        if let Some(maps) = q.struct_list("SubnetMappings") {
            for m in maps {
                subnets.push(m.req_str("SubnetId")?.to_owned());
            }
        }
        Ok(CreateLoadBalancerInput {
            name: q.req_str("Name")?.to_owned(),
            subnets,
            security_groups: q
                .str_list("SecurityGroups")
                .unwrap_or_default()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            scheme: q
                .enum_str("Scheme", &["internet-facing", "internal"])?
                .unwrap_or("internet-facing")
                .to_owned(),
            lb_type: q
                .enum_str("Type", &["application", "network", "gateway"])?
                .unwrap_or("application")
                .to_owned(),
            ip_address_type: q
                .enum_str(
                    "IpAddressType",
                    &["ipv4", "dualstack", "dualstack-without-public-ipv4"],
                )?
                .unwrap_or("ipv4")
                .to_owned(),
            tags: tags(q)?,
        })
    }
}

pub struct LoadBalancersOutput {
    pub load_balancers: Vec<LoadBalancer>,
    pub region: String,
    pub next_marker: Option<String>,
}

impl ToXml for LoadBalancersOutput {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.list("LoadBalancers", &self.load_balancers, |w, lb| {
            write_load_balancer(w, lb, &self.region)
        });
        w.opt_text("NextMarker", self.next_marker.as_deref());
    }
}

/// AWS's load balancer name rules: 1–32 alphanumerics or hyphens, no leading or trailing hyphen,
/// not starting with `internal-`.
fn check_name(name: &str) -> Result<(), AwsError> {
    let bad = |why: &str| {
        AwsError::validation_error(format!(
            "The load balancer name '{name}' is not valid: {why}"
        ))
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
    if name.starts_with("internal-") {
        return Err(bad("it cannot begin with 'internal-'"));
    }
    Ok(())
}

pub fn create_load_balancer(
    s: &mut Scope<'_>,
    input: CreateLoadBalancerInput,
) -> Result<LoadBalancersOutput, AwsError> {
    check_name(&input.name)?;
    if input.subnets.is_empty() {
        return Err(AwsError::validation_error(
            "At least one subnet must be specified",
        ));
    }
    if input.lb_type == "application" && input.subnets.len() < 2 {
        return Err(err(
            "InvalidConfigurationRequest",
            "At least two subnets in two different Availability Zones must be specified",
        ));
    }
    let region = s.pk.region.clone();
    if let Some(existing) = s.state.elbv2.load_balancer_by_name(&input.name) {
        // CreateLoadBalancer is idempotent for an identical request; anything else is a duplicate.
        let same = existing.scheme == input.scheme
            && existing.lb_type == input.lb_type
            && existing.subnets == input.subnets;
        if same {
            return Ok(LoadBalancersOutput {
                load_balancers: vec![existing.clone()],
                region,
                next_marker: None,
            });
        }
        return Err(err(
            "DuplicateLoadBalancerName",
            "A load balancer with the same name exists, but with different settings",
        ));
    }
    let lb = core_elb::create_load_balancer(
        s,
        NewLoadBalancer {
            name: input.name,
            scheme: input.scheme,
            lb_type: input.lb_type,
            ip_address_type: input.ip_address_type,
            subnets: input.subnets,
            security_groups: input.security_groups,
            tags: input.tags,
        },
    );
    Ok(LoadBalancersOutput {
        load_balancers: vec![lb.clone()],
        region,
        next_marker: None,
    })
}

pub struct DescribeLoadBalancersInput {
    pub arns: Option<Vec<String>>,
    pub names: Option<Vec<String>>,
    pub marker: Option<String>,
    pub page_size: usize,
}

impl FromQuery for DescribeLoadBalancersInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        let owned =
            |v: Option<Vec<&str>>| v.map(|v| v.into_iter().map(str::to_owned).collect::<Vec<_>>());
        Ok(DescribeLoadBalancersInput {
            arns: owned(q.str_list("LoadBalancerArns")),
            names: owned(q.str_list("Names")),
            marker: q.str("Marker").map(str::to_owned),
            page_size: page_size(q)?,
        })
    }
}

fn lb_not_found() -> AwsError {
    err(
        "LoadBalancerNotFound",
        "One or more load balancers not found",
    )
}

pub fn describe_load_balancers(
    s: &mut Scope<'_>,
    input: DescribeLoadBalancersInput,
) -> Result<LoadBalancersOutput, AwsError> {
    let st = &s.state.elbv2;
    let region = s.pk.region.clone();
    let arns = input.arns.filter(|a| !a.is_empty());
    let names = input.names.filter(|n| !n.is_empty());
    if arns.is_some() && names.is_some() {
        return Err(AwsError::validation_error(
            "Load balancer names and load balancer ARNs cannot be specified at the same time",
        ));
    }
    if let Some(arns) = arns {
        let lbs = arns
            .iter()
            .map(|a| st.load_balancer_by_arn(a).cloned().ok_or_else(lb_not_found))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(LoadBalancersOutput {
            load_balancers: lbs,
            region,
            next_marker: None,
        });
    }
    if let Some(names) = names {
        let lbs = names
            .iter()
            .map(|n| {
                st.load_balancer_by_name(n)
                    .cloned()
                    .ok_or_else(lb_not_found)
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(LoadBalancersOutput {
            load_balancers: lbs,
            region,
            next_marker: None,
        });
    }
    let after = page::resume_after(input.marker.as_deref(), bad_marker)?;
    let (lbs, more) = st.list_load_balancers(after.as_deref(), input.page_size);
    Ok(LoadBalancersOutput {
        next_marker: page::next_token(more, lbs.last().map(|l| l.name.as_str())),
        load_balancers: lbs.into_iter().cloned().collect(),
        region,
    })
}

pub struct DeleteLoadBalancerInput {
    pub arn: String,
}

impl FromQuery for DeleteLoadBalancerInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(DeleteLoadBalancerInput {
            arn: q.req_str("LoadBalancerArn")?.to_owned(),
        })
    }
}

/// Deleting a load balancer that does not exist succeeds, as AWS documents.
pub fn delete_load_balancer(
    s: &mut Scope<'_>,
    input: DeleteLoadBalancerInput,
) -> Result<Empty, AwsError> {
    core_elb::delete_load_balancer(s, &input.arn);
    Ok(Empty)
}
