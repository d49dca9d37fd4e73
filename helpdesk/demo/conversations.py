"""The demo's client threads, their messages and the auditors' colours on coach replies."""

from datetime import datetime, timedelta

from helpdesk.demo import phrases
from helpdesk.demo.people import Program, iso, midnight


class Conversations:
    """Writes thread, message and audit records into a Program."""

    def __init__(self, p: Program):
        self.p = p
        self.rng = p.rng
        self.n_threads = 0
        self.n_messages = 0
        # (message id, author id, sent_at) of every coach reply, for the audits
        self.coach_replies: list[tuple[str, str, datetime]] = []

    # -- words -------------------------------------------------------------------------------------------

    def _fields(self, client_id: str, topic: str) -> dict:
        rng = self.rng
        return {
            "first": self.p.people[client_id].first,
            "amount": f"${rng.randint(40, 900)}.{rng.randint(0, 99):02d}",
            "fee": rng.choice(("$19.00", "$29.00", "$49.00")),
            "goal": rng.choice((5, 8, 10, 12)),
            "day": rng.choice(("1st", "5th", "15th", "28th")),
            "listing": rng.choice(phrases.LISTING_ITEMS),
            "link": phrases.LEARNING_CENTER[topic],
        }

    def _responder(self, client_id: str, at: datetime) -> str:
        """Who answers a client at `at`: their coach, or the coach's team leader while the coach is away
        (and some team leader when the client has no coach)."""
        coach = self.p.coach_at(client_id, at)
        if coach is None:
            spans = self.p.assignments.get(client_id)
            if spans:
                return self.p.people[spans[-1][0]].reports_to
            return self.p.of_role("team_leader")[0].id
        if self.p.on_vacation(coach, at.date()):
            return self.p.people[coach].reports_to
        return coach

    def _delay(self) -> timedelta:
        """How long a reply takes: mostly hours, some past the 9 h target, a few past 24 h."""
        roll = self.rng.random()
        if roll < 0.72:
            hours = self.rng.uniform(0.2, 6)
        elif roll < 0.85:
            hours = self.rng.uniform(6, 9)
        elif roll < 0.96:
            hours = self.rng.uniform(9, 24)
        else:
            hours = self.rng.uniform(24, 60)
        return timedelta(hours=hours)

    # -- records -----------------------------------------------------------------------------------------

    def _thread(self, client_id: str, subject: str) -> str:
        self.n_threads += 1
        tid = f"demo-th-{self.n_threads:05d}"
        self.p.records.append({"type": "thread", "id": tid, "client": client_id, "subject": subject})
        return tid

    def _message(self, tid: str, author: str, at: datetime, body: str) -> None:
        self.n_messages += 1
        mid = f"demo-m-{self.n_messages:06d}"
        self.p.records.append({"type": "message", "id": mid, "thread": tid, "author": author, "sent_at": iso(at),
                               "body": body})
        if self.p.people[author].role == "coach":
            self.coach_replies.append((mid, author, at))

    def conversation(self, client_id: str, opened: datetime, waiting_since: datetime | None = None) -> None:
        """One thread: question, answer, perhaps a follow-up and thanks. Messages not yet sent by now are
        left out, so a conversation cut off by the present is a client waiting. With `waiting_since`, the
        client's last message is at that instant and unanswered."""
        rng, topic = self.rng, self.rng.choice(tuple(phrases.TOPICS))
        index = rng.randrange(len(phrases.TOPICS[topic]["exchanges"]))
        question, answer, follow_ups = phrases.TOPICS[topic]["exchanges"][index]
        script: list[tuple[str, datetime, str]] = []  # (author, at, template)
        t = opened
        script.append((client_id, t, question))
        delay = self._delay()
        if delay > timedelta(hours=9) and rng.random() < 0.4:
            script.append((client_id, t + delay / 2, rng.choice(phrases.NUDGES)))
        t += delay
        script.append(("staff", t, answer))
        if rng.random() < 0.55:
            follow_up, second_answer = rng.choice(follow_ups)
            t += timedelta(hours=rng.uniform(0.5, 30))
            script.append((client_id, t, follow_up))
            t += self._delay()
            script.append(("staff", t, second_answer))
        if rng.random() < 0.35:
            t += timedelta(minutes=rng.randint(5, 240))
            script.append((client_id, t, rng.choice(phrases.THANKS)))
            t += timedelta(minutes=rng.randint(10, 300))
            script.append(("staff", t, rng.choice(phrases.CLOSINGS)))
        if waiting_since is not None:
            # The conversation so far, then the client's unanswered message at `waiting_since`.
            script = [s for s in script if s[1] < waiting_since - timedelta(hours=1)]
            while script and script[-1][0] == client_id:
                script.pop()
            if script:
                template = rng.choice(follow_ups)[0]
            else:
                template = question
            script.append((client_id, waiting_since, template))
        script = [s for s in script if s[1] < self.p.now]
        if not script:
            return
        tid = self._thread(client_id, phrases.TOPICS[topic]["subjects"][index])
        fields = self._fields(client_id, topic)  # the same amounts and names all through one conversation
        for author, at, template in script:
            if author == "staff":
                author = self._responder(client_id, at)
            responder = author if author != client_id else self._responder(client_id, at)
            coach = self.p.people[responder].first if responder else "there"
            self._message(tid, author, at, template.format(**fields, coach=coach))

    def _opening_time(self, client_id: str) -> datetime:
        joined = self.p.people[client_id].joined_on
        first = max(self.p.start, joined)
        span = max(1, (self.p.today - first).days)
        return midnight(first + timedelta(days=self.rng.randrange(span))) + timedelta(
            hours=self.rng.uniform(7, 21))

    def make_threads(self) -> None:
        """A few threads per client over the period, plus threads waiting right now for every coach."""
        rng, now = self.rng, self.p.now
        for client in self.p.of_role("client"):
            count = 3 if client.id == "demo-client" else rng.choice((0, 1, 1, 2, 2, 3, 4))
            for opened in sorted(self._opening_time(client.id) for _ in range(count)):
                self.conversation(client.id, opened)
        # Waiting now: demo-coach gets one fresh, one past the 9 h target and two past the 24 h rule.
        waits = {"demo-coach": [timedelta(hours=2), timedelta(hours=11), timedelta(hours=30), timedelta(days=4)]}
        for coach in self.p.of_role("coach"):
            if coach.id != "demo-coach":
                waits[coach.id] = [timedelta(hours=rng.uniform(0.5, 40)) for _ in range(rng.choice((0, 1, 1, 2, 3)))]
        for coach_id, ages in waits.items():
            clients = self.p.clients_of(coach_id)
            if "demo-client" in clients:
                clients.remove("demo-client")
                clients.insert(0, "demo-client")
            for client_id, age in zip(clients, ages, strict=False):
                opened = max(now - age - timedelta(days=rng.randint(1, 6)),
                             midnight(self.p.people[client_id].joined_on) + timedelta(hours=8))
                self.conversation(client_id, min(opened, now - age), waiting_since=now - age)
        # Clients who lost their coach: one question each, waiting in the unassigned list.
        for client_id, spans in self.p.assignments.items():
            if spans[-1][2] is not None:
                age = timedelta(hours=rng.uniform(3, 72))
                self.conversation(client_id, now - age, waiting_since=now - age)

    def make_audits(self) -> None:
        """Audits of about one coach reply in eight; every colour, Yellows with comments; demo-coach gets
        one of each colour on recent replies."""
        rng, now = self.rng, self.p.now
        auditors = [a.id for a in self.p.of_role("auditor")]
        colors = ("green", "blue", "yellow")
        chosen: dict[str, str] = {}
        recent_demo = [r for r in self.coach_replies if r[1] == "demo-coach" and r[2] < now - timedelta(hours=6)]
        for reply, color in zip(sorted(recent_demo, key=lambda r: r[2])[-3:], colors, strict=False):
            chosen[reply[0]] = color
        others = [r for r in self.coach_replies if r[0] not in chosen and r[2] < now - timedelta(hours=3)]
        for i, reply in enumerate(others):
            if i < 3:  # every colour exists even in a tiny program
                chosen[reply[0]] = colors[i]
            elif rng.random() < 0.12:
                chosen[reply[0]] = rng.choices(colors, weights=(3, 4, 3))[0]
        sent = {r[0]: r[2] for r in self.coach_replies}
        for n, (mid, color) in enumerate(sorted(chosen.items()), start=1):
            at = min(sent[mid] + timedelta(hours=rng.uniform(1, 72)), now - timedelta(minutes=30))
            comment = rng.choice(phrases.AUDIT_COMMENTS[color])
            record = {"type": "audit", "id": f"demo-a-{n:05d}", "message": mid, "auditor": rng.choice(auditors),
                      "color": color, "at": iso(at)}
            if comment:
                record["comment"] = comment
            self.p.records.append(record)
