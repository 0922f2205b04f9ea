"""Gap: DeleteChangeSet of a change set that does not exist fails with HTTP 500 in moto (an
unbound variable); CloudFormation answers ChangeSetNotFound (404). A change set given by name
is looked for on the stack named by StackName, as CloudFormation does, not on any stack."""

from __future__ import annotations

from moto.cloudformation.exceptions import CloudFormationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import EmptyResult


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFound"

    def __init__(self, name: str) -> None:
        super().__init__(f"ChangeSet [{name}] does not exist")


def find_change_set(backend: CloudFormationBackend, name: str, stack_name: str | None) -> ChangeSet:
    """A change set by ARN, or by name on the stack `stack_name` (name or id) if given."""
    if name in backend.change_sets:
        return backend.change_sets[name]
    stack_id = backend.get_stack(stack_name).stack_id if stack_name else None
    for change_set in backend.change_sets.values():
        if change_set.change_set_name == name and stack_id in (None, change_set.stack_id):
            return change_set
    raise ChangeSetNotFound(name)


def _delete_change_set(self: CloudFormationResponse) -> EmptyResult:
    backend = self.cloudformation_backend
    change_set = find_change_set(
        backend, self._get_param("ChangeSetName"), self._get_param("StackName")
    )
    del backend.change_sets[change_set.change_set_id]
    return EmptyResult()


def install() -> None:
    CloudFormationResponse.delete_change_set = _delete_change_set  # type: ignore[method-assign]
