"""The example API: sessions and questionnaire, plan summary and decisions, jobs, incident injection."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from examples.agent_service.downstream import submit_job
from examples.agent_service.http import HTTPError, Request, Response
from examples.agent_service.incidents import KINDS, QUEUE_BACKLOG
from examples.agent_service.names import JOB_TYPES, MODES
from examples.agent_service.state import ServiceState
from examples.agent_service.store import QUESTIONS, Session
from vigil.audit import Audit, Outcome, domain_event
from vigil.health import TokenAuthorizer

AUDIT = Audit("examples.agent_service.audit")
EVENTS = "examples.agent_service.events"

Handler = Callable[[ServiceState, Request], Awaitable[Response]]


@dataclass(frozen=True)
class Route:
    """A route: method, path template (``{name}`` segments), endpoint group, handler."""

    method: str
    template: str
    group: str
    handler: Handler
    admin: bool = False

    def match(self, path: str) -> dict[str, str] | None:
        """Path parameters if ``path`` matches the template."""
        pattern = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template) + "$"
        found = re.match(pattern, path)
        return found.groupdict() if found else None


def _session(state: ServiceState, request: Request) -> Session:
    session = state.store.sessions.get(request.params["id"])
    if session is None:
        raise HTTPError(404, f"no session {request.params['id']!r}")
    state.store.touch(session.user_id)
    return session


def _user(state: ServiceState, request: Request) -> str:
    """The caller's user id from the JSON body (``user_id``), ``anonymous`` when absent (the example has no auth);
    the user counts as active (``users.active``)."""
    user = request.json().get("user_id", "anonymous")
    user = user if isinstance(user, str) and 0 < len(user) <= 128 else "anonymous"
    state.store.touch(user)
    return user


def _violation(state: ServiceState, session: Session, wanted: str, status: int, message: str) -> HTTPError:
    """A request the session's phase does not allow: counted (``phase.transition_violation``), logged, refused."""
    state.telemetry.emit("phase.transition_violation", 1, {"session_id": session.id})
    domain_event(
        "session.phase_violation",
        resource=f"session:{session.id}",
        user_id=session.user_id,
        outcome="failure",
        wanted=wanted,
        plan_status=session.plan_status,
        logger=EVENTS,
    )
    return HTTPError(status, message)


async def create_session(state: ServiceState, request: Request) -> Response:
    with state.store.pool.connection() as conn:  # where a real service inserts the session row
        conn.execute("select 1")
        session = state.store.create_session(user_id=_user(state, request))
    state.telemetry.emit("session.created", 1, {"session_id": session.id})
    domain_event("session.created", resource=f"session:{session.id}", user_id=session.user_id, logger=EVENTS)
    return Response(201, {"id": session.id, "questions": len(QUESTIONS)})


async def next_question(state: ServiceState, request: Request) -> Response:
    session = _session(state, request)
    pending = [q for q in QUESTIONS if q["id"] not in session.answers]
    return Response(200, {"question": pending[0] if pending else None, "remaining": len(pending)})


async def submit_answer(state: ServiceState, request: Request) -> Response:
    session = _session(state, request)
    if session.plan_status != "draft":
        raise _violation(state, session, "answer", 409, f"the plan is already {session.plan_status}")
    body = request.json()
    question = next((q for q in QUESTIONS if q["id"] == body.get("questionId")), None)
    if question is None or body.get("answer") not in question["options"]:
        raise HTTPError(422, "questionId must name a question and answer must be one of its options")
    with state.store.lock:
        first_completion = len(session.answers) < len(QUESTIONS)
        session.answers[question["id"]] = body["answer"]
        completed = len(session.answers) == len(QUESTIONS)
    if completed and first_completion:
        state.telemetry.emit("session.questionnaire_completed", 1, {"session_id": session.id})
        domain_event(
            "session.phase_changed",
            resource=f"session:{session.id}",
            user_id=session.user_id,
            from_phase="questionnaire",
            to_phase="plan",
            logger=EVENTS,
        )
    return Response(200, {"remaining": len(QUESTIONS) - len(session.answers)})


async def plan_summary(state: ServiceState, request: Request) -> Response:
    session = _session(state, request)
    if not session.answers:
        raise _violation(state, session, "plan", 409, "answer at least one question first")
    t0 = time.perf_counter()
    with state.store.pool.connection() as conn, state.store.lock:
        conn.execute("select 1")  # where a real service reads or inserts the plan
        if not session.plan_id:
            session.plan_id = state.store.new_id("p")
            session.plan_created_at = time.time()
            state.store.plans[session.plan_id] = session.id
    state.telemetry.emit("db.query.duration", round((time.perf_counter() - t0) * 1000.0, 3))
    AUDIT.data_access(session.user_id, f"session:{session.id}", action="read", route="/sessions/{id}/plan")
    steps = [f"{q['text']} -> {session.answers[q['id']]}" for q in QUESTIONS if q["id"] in session.answers]
    return Response(200, {"planId": session.plan_id, "status": session.plan_status, "summary": steps})


async def decide_plan(state: ServiceState, request: Request, approve: bool) -> Response:
    session_id = state.store.plans.get(request.params["id"])
    if session_id is None:
        raise HTTPError(404, f"no plan {request.params['id']!r}")
    session = state.store.sessions[session_id]
    if session.plan_status != "draft":
        raise _violation(state, session, "decide", 409, f"plan already {session.plan_status}")
    session.plan_status = "approved" if approve else "rejected"
    domain_event(
        f"plan.{session.plan_status}", resource=f"plan:{session.plan_id}", user_id=session.user_id, logger=EVENTS
    )
    route = "/plans/{id}/approve" if approve else "/plans/{id}/reject"
    AUDIT.sensitive_call(session.user_id, "POST", route, outcome="success")
    state.telemetry.emit(f"plan.{session.plan_status}", 1, {"plan_id": request.params["id"]})
    if not approve:
        return Response(200, {"status": session.plan_status})
    state.telemetry.emit("plan.time_to_approval", round(time.time() - session.plan_created_at, 3))
    mode = session.answers.get("q3", "mechanic")
    if state.config.downstream:  # another service runs the jobs: the trace and correlation id go with the request
        return Response(
            200, {"status": session.plan_status, "jobId": await submit_job(state.config.downstream, mode, "implement")}
        )
    job = state.store.enqueue(mode, "implement", session_id=session.id, user_id=session.user_id)
    return Response(200, {"status": session.plan_status, "jobId": job.id})


async def rate_plan(state: ServiceState, request: Request) -> Response:
    """A user's rating of the session's plan, 1 to 5 (``feedback.rating``, seed 002 user satisfaction)."""
    session = _session(state, request)
    rating = request.json().get("rating")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise HTTPError(422, "rating must be a whole number from 1 to 5")
    if not session.plan_id:
        raise _violation(state, session, "rate", 409, "there is no plan to rate yet")
    state.telemetry.emit("feedback.rating", rating, {"session_id": session.id, "plan_id": session.plan_id})
    domain_event(
        "plan.rated", resource=f"plan:{session.plan_id}", user_id=session.user_id, rating=rating, logger=EVENTS
    )
    return Response(200, {"rating": rating})


async def approve_plan(state: ServiceState, request: Request) -> Response:
    return await decide_plan(state, request, approve=True)


async def reject_plan(state: ServiceState, request: Request) -> Response:
    return await decide_plan(state, request, approve=False)


async def create_job(state: ServiceState, request: Request) -> Response:
    body = request.json()
    mode, job_type = body.get("mode", "mechanic"), body.get("type", "implement")
    if mode not in MODES or job_type not in JOB_TYPES:
        raise HTTPError(422, f"mode must be one of {list(MODES)} and type one of {list(JOB_TYPES)}")
    job = state.store.enqueue(mode, job_type, user_id=_user(state, request))
    return Response(202, {"id": job.id, "status": job.status})


async def get_job(state: ServiceState, request: Request) -> Response:
    job = state.store.jobs.get(request.params["id"])
    if job is None:
        raise HTTPError(404, f"no job {request.params['id']!r}")
    return Response(200, {"id": job.id, "mode": job.mode, "type": job.job_type, "status": job.status})


def admin_only(handler: Handler) -> Handler:
    """``handler`` behind the service's operator token (``--health-token``): 401 without it, 403 if none is set."""

    async def guarded(state: ServiceState, request: Request) -> Response:
        token = state.config.health_token
        action = f"{handler.__name__}"
        if not token:
            AUDIT.admin_action("operator", action, f"route:{request.method} {request.path}", outcome="failure")
            raise HTTPError(403, "admin routes are disabled: start the service with --health-token")
        if not TokenAuthorizer([token]).is_authorized(request.authorization):
            AUDIT.admin_action(None, action, f"route:{request.method} {request.path}", outcome="failure")
            raise HTTPError(401, "admin routes need the header 'Authorization: Bearer <the service token>'")
        response = await handler(state, request)
        outcome: Outcome = "success" if response.status < 400 else "failure"
        AUDIT.admin_action("operator", action, f"route:{request.method} {request.path}", outcome=outcome)
        return response

    return guarded


async def start_incident(state: ServiceState, request: Request) -> Response:
    kind = request.params["kind"]
    if kind not in KINDS:
        raise HTTPError(404, f"unknown incident {kind!r}; one of {list(KINDS)}")
    state.incidents.start(kind)
    if kind == QUEUE_BACKLOG:
        for i in range(150):
            state.store.enqueue(MODES[i % 2], JOB_TYPES[i % len(JOB_TYPES)], synthetic=True)
    return Response(200, {"active": sorted(state.incidents.snapshot())})


async def clear_incident(state: ServiceState, request: Request) -> Response:
    kind = request.params.get("kind")
    if kind is not None and kind not in KINDS:
        raise HTTPError(404, f"unknown incident {kind!r}")
    state.incidents.clear(kind)
    return Response(200, {"active": sorted(state.incidents.snapshot())})


async def list_incidents(state: ServiceState, request: Request) -> Response:
    return Response(200, {"active": state.incidents.snapshot(), "kinds": list(KINDS)})


def patch_path_problem(path: object) -> str | None:
    """Why a patch may not touch ``path`` (absolute, a ``..`` segment, a NUL byte, not a string), or None.

    >>> patch_path_problem("src/app.py"), patch_path_problem("src/../../etc/passwd")
    (None, "'src/../../etc/passwd' leaves the workspace (a '..' segment)")
    """
    if not isinstance(path, str) or not path:
        return f"{path!r} is not a relative file path"
    if "\x00" in path:
        return f"{path!r} has a NUL byte"
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return f"{path!r} is absolute"
    if ".." in re.split(r"[/\\]", path):
        return f"{path!r} leaves the workspace (a '..' segment)"
    return None


async def validate_patch(state: ServiceState, request: Request) -> Response:
    """Dry run of the workspace patch checks (nothing is applied): 422 with the refused paths, or 200 valid."""
    files = request.json().get("files")
    if not isinstance(files, list) or not files:
        raise HTTPError(400, "give 'files': the paths the patch touches")
    refused = [problem for path in files if (problem := patch_path_problem(path)) is not None]
    outcome: Outcome = "failure" if refused else "success"
    domain_event("patch.validated", outcome=outcome, files=len(files), refused=len(refused), logger=EVENTS)
    if refused:
        state.telemetry.emit("patch.invalid", len(refused))
        return Response(422, {"valid": False, "refused": refused})
    return Response(200, {"valid": True, "checked": len(files)})


ROUTES: tuple[Route, ...] = (
    Route("POST", "/sessions", "sessions", create_session),
    Route("GET", "/sessions/{id}/question", "questionnaire", next_question),
    Route("POST", "/sessions/{id}/answers", "questionnaire", submit_answer),
    Route("GET", "/sessions/{id}/plan", "plans", plan_summary),
    Route("POST", "/sessions/{id}/rating", "plans", rate_plan),
    Route("POST", "/plans/{id}/approve", "plans", approve_plan),
    Route("POST", "/plans/{id}/reject", "plans", reject_plan),
    Route("POST", "/jobs", "workspace", create_job),
    Route("GET", "/jobs/{id}", "workspace", get_job),
    Route("POST", "/workspaces/validate-patch", "workspace", validate_patch),
    Route("GET", "/admin/incidents", "auth", admin_only(list_incidents), admin=True),
    Route("POST", "/admin/incidents/{kind}", "auth", admin_only(start_incident), admin=True),
    Route("DELETE", "/admin/incidents/{kind}", "auth", admin_only(clear_incident), admin=True),
    Route("DELETE", "/admin/incidents", "auth", admin_only(clear_incident), admin=True),
)
