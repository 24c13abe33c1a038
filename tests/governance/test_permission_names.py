"""A flow names the owners of its steps from the same Capability its services `require`
(governance.roles.permission_name), never by a hand-written "governance.<codename>"."""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from governance.nodes import HumanTask
from governance.roles import Capability, capability_of_permission, permission_name
from proposals.flows import ProposalFlow

ROOT = Path(__file__).resolve().parents[2]
FLOW_MODULES = ("proposals/flows.py", "audits/flows.py", "governance/nodes.py", "bench/benchflow/flows.py")


@pytest.mark.parametrize("capability", list(Capability))
def test_a_capability_is_a_permission_of_the_unit_model_and_back(capability):
    from governance.models import Unit

    name = permission_name(capability)
    assert name == f"{Unit._meta.app_label}.{capability.value}"
    assert permission_name(capability.value) == name
    assert capability_of_permission(name) is capability


@pytest.mark.parametrize("name", ["", None, "governance", "governance.add_user", "auth.manage_tracking"])
def test_other_permissions_are_no_capability(name):
    assert capability_of_permission(name) is None


def _human_tasks():
    for dotted in settings.WORKFLOW_FLOWS:
        flow_class = import_string(dotted)
        for node in flow_class.instance.nodes():
            if isinstance(node, HumanTask):
                yield flow_class, node


def test_every_human_step_of_every_flow_is_owned_through_a_capability():
    steps = list(_human_tasks())
    assert steps
    for flow_class, node in steps:
        permission = node._owner_permission
        if callable(permission):  # the score step: internal or external member
            continue
        assert capability_of_permission(permission) is not None, (flow_class.__name__, node.name, permission)


@pytest.mark.parametrize(
    ("external", "capability"), [(False, Capability.SCORE_PROPOSALS), (True, Capability.SCORE_ASSIGNED_ONLY)]
)
def test_the_score_step_is_owned_through_the_members_capability(external, capability):
    activation = SimpleNamespace(task=SimpleNamespace(data={"external": external}))
    assert ProposalFlow.score._owner_permission(activation) == permission_name(capability)


@pytest.mark.parametrize("path", FLOW_MODULES)
def test_no_flow_writes_a_capabilitys_permission_by_hand(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    literals = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "governance." in node.value
    ]
    assert [s for s in literals if any(c.value in s for c in Capability)] == []
