"""Background work of the registry (django-tasks; `rentan db_worker`): estimating the
duplicate finder's weights, which reads every active person and takes a minute on a large
registry, so it never runs inside a request."""

from django.contrib.auth import get_user_model
from django_tasks import task

from rentan.registry import services


@task()
def estimate_match_weights(actor_id: int | None = None) -> int:
    """Estimate the weights again from the registry; the id of the weights kept."""
    actor = get_user_model().objects.get(pk=actor_id) if actor_id is not None else None
    return services.estimate_match_weights(actor=actor).pk
