"""The demo's people and who coaches whom: users, assignment histories and vacations."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from helpdesk.demo.phrases import FIRST_NAMES, LAST_NAMES

# The one fixed demo password (README states it); set for the users in DEMO_LOGINS only.
DEMO_PASSWORD = "demo-password-2026"
DEMO_LOGINS = {
    "client": "demo-client", "coach": "demo-coach", "team_leader": "demo-team-leader",
    "auditor": "demo-auditor", "support": "demo-support", "admin": "demo-admin",
}


@dataclass
class Person:
    id: str
    role: str
    first: str
    last: str
    reports_to: str | None = None
    joined_on: date | None = None
    moderation_trained: bool = False
    # How good a coach is (0-1) or how engaged a client is (0-1): drives answers, goals and surveys.
    quality: float = 0.5

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Program:
    """Everything generated so far, and what later steps need to know about it."""

    rng: Random
    now: datetime
    days: int
    people: dict[str, Person] = field(default_factory=dict)
    # client id -> [(coach id, from, to or None)], in time order, never overlapping
    assignments: dict[str, list[tuple[str, datetime, datetime | None]]] = field(default_factory=dict)
    vacations: list[tuple[str, date, date]] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def start(self) -> date:
        return self.today - timedelta(days=self.days)

    def of_role(self, role: str) -> list[Person]:
        return [p for p in self.people.values() if p.role == role]

    def coach_at(self, client_id: str, at: datetime) -> str | None:
        for coach, start, end in self.assignments.get(client_id, ()):
            if start <= at and (end is None or at < end):
                return coach
        return None

    def on_vacation(self, coach_id: str, day: date) -> bool:
        return any(c == coach_id and a <= day <= b for c, a, b in self.vacations)

    def clients_of(self, coach_id: str) -> list[str]:
        """The clients `coach_id` has now."""
        return [c for c in self.assignments if self.coach_at(c, self.now) == coach_id]


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _name(rng: Random, used: set) -> tuple[str, str]:
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if (first, last) not in used or len(used) > len(FIRST_NAMES) * len(LAST_NAMES) // 2:
            used.add((first, last))
            return first, last


def make_people(p: Program, scale: float) -> None:
    """Team leaders, coaches (demo-coach reports to demo-team-leader), clients, auditors, support, admin."""
    rng, used = p.rng, set()
    n_leaders = max(2, min(4, round(4 * scale)))
    n_coaches = max(3, round(30 * scale))
    n_clients = max(12, round(300 * scale))

    def add(pid, role, **fields):
        p.people[pid] = Person(pid, role, *_name(rng, used), **fields)
        return p.people[pid]

    add("demo-admin", "admin")
    add("demo-support", "support")
    add("demo-auditor", "auditor")
    add("demo-auditor-2", "auditor")
    leaders = [add("demo-team-leader", "team_leader")]
    leaders += [add(f"demo-tl-{i}", "team_leader") for i in range(2, n_leaders + 1)]
    for i in range(n_coaches):
        pid = "demo-coach" if i == 0 else f"demo-coach-{i + 1:02d}"
        add(pid, "coach", reports_to=leaders[i % n_leaders].id,
            moderation_trained=i == 0 or rng.random() < 0.35, quality=rng.uniform(0.15, 1.0))
    for i in range(n_clients):
        pid = "demo-client" if i == 0 else f"demo-client-{i + 1:03d}"
        if i == 0:
            joined = p.today - timedelta(days=420)
        elif rng.random() < 0.15:  # new clients: their weight matters in the rankings
            joined = p.today - timedelta(days=rng.randint(3, 85))
        else:
            joined = p.today - timedelta(days=rng.randint(95, 3 * 365))
        add(pid, "client", joined_on=joined, quality=rng.uniform(0.2, 0.9))
    for person in p.people.values():
        record = {"type": "user", "id": person.id, "role": person.role, "name": person.name,
                  "email": f"{person.id}@example.com"}
        if person.role == "coach":
            record.update(reports_to=person.reports_to, moderation_trained=person.moderation_trained)
        if person.role == "client":
            record["joined_on"] = person.joined_on.isoformat()
        p.records.append(record)


def make_assignments(p: Program) -> None:
    """Each client with a coach since joining; a few reassigned mid-period, a handful left unassigned."""
    rng = p.rng
    coaches = [c.id for c in p.of_role("coach")]
    clients = p.of_role("client")
    for i, client in enumerate(clients):
        coach = coaches[i % len(coaches)]
        p.assignments[client.id] = [(coach, midnight(client.joined_on), None)]
    # Only clients with a long enough history change hands; demo-client and demo-coach's clients stay put.
    movable = [c for c in clients[1:] if c.joined_on < p.start and p.assignments[c.id][0][0] != "demo-coach"]
    rng.shuffle(movable)
    n_reassigned = max(1, len(clients) // 20)
    n_unassigned = max(2, len(clients) // 40)
    for client in movable[:n_reassigned]:
        old = p.assignments[client.id][0][0]
        new = rng.choice([c for c in coaches if c != old])
        at = midnight(p.today - timedelta(days=rng.randint(10, p.days - 10))) + timedelta(hours=9)
        p.assignments[client.id] = [(old, midnight(client.joined_on), at), (new, at, None)]
    for client in movable[n_reassigned:n_reassigned + n_unassigned]:
        coach = p.assignments[client.id][0][0]
        at = midnight(p.today - timedelta(days=rng.randint(5, 40))) + timedelta(hours=17)
        p.assignments[client.id] = [(coach, midnight(client.joined_on), at)]
    for client_id, spans in p.assignments.items():
        for coach, start, end in spans:
            p.records.append({"type": "assignment", "client": client_id, "coach": coach, "from": iso(start),
                              "to": iso(end) if end else None})


def make_vacations(p: Program) -> None:
    """One coach of demo-team-leader's team away today; a few past and planned weeks off for others."""
    rng = p.rng
    coaches = [c.id for c in p.of_role("coach") if c.id != "demo-coach"]
    teammates = [c for c in coaches if p.people[c].reports_to == "demo-team-leader"] or coaches
    away = teammates[0]
    p.vacations.append((away, p.today - timedelta(days=2), p.today + timedelta(days=4)))
    for coach in rng.sample(coaches, k=min(len(coaches), max(2, len(coaches) // 8))):
        if coach == away:
            continue
        first = p.today - timedelta(days=rng.randint(14, p.days - 10))
        p.vacations.append((coach, first, first + timedelta(days=rng.choice([4, 6, 9]))))
    p.vacations.append((coaches[-1], p.today + timedelta(days=20), p.today + timedelta(days=27)))
    for coach, first, last in p.vacations:
        p.records.append({"type": "vacation", "coach": coach, "from": first.isoformat(), "to": last.isoformat()})
