"""SQLAlchemy 2 models of the evidence and results store. Keyed by the INEGI code (`cvegeo`)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Municipality(Base):
    """A municipality of the INEGI registry, with the website and accounts users supplied."""

    __tablename__ = "municipality"
    cvegeo: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    state_code: Mapped[str] = mapped_column(String(2), index=True)
    state_name: Mapped[str] = mapped_column(String(100))
    state_abbr: Mapped[str] = mapped_column(String(20), default="")
    population: Mapped[int] = mapped_column(Integer, default=0)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    extra_urls: Mapped[list] = mapped_column(JSON, default=list)       # other official domains/portals
    known_accounts: Mapped[list] = mapped_column(JSON, default=list)   # social accounts users declared
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class CrawlRun(Base):
    """One crawl over a set of municipalities (e.g. the monthly run)."""

    __tablename__ = "crawl_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(50), default="")         # e.g. "2026-11"
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | finished | failed
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    sites: Mapped[list[SiteCrawl]] = relationship(back_populates="run", cascade="all, delete-orphan")


class SiteCrawl(Base):
    """The crawl of one municipality's site within a run: its outcome and crawl facts."""

    __tablename__ = "site_crawl"
    __table_args__ = (UniqueConstraint("run_id", "cvegeo"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id", ondelete="CASCADE"), index=True)
    cvegeo: Mapped[str] = mapped_column(ForeignKey("municipality.cvegeo"), index=True)
    start_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|ok|partial|unreachable|blocked|no_url
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    pages_seen: Mapped[int] = mapped_column(Integer, default=0)
    pages_needing_render: Mapped[int] = mapped_column(Integer, default=0)
    pages_rendered: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    facts: Mapped[dict] = mapped_column(JSON, default=dict)            # robots, faults by kind, stats
    run: Mapped[CrawlRun] = relationship(back_populates="sites")
    pages: Mapped[list[Page]] = relationship(back_populates="site", cascade="all, delete-orphan")
    signals: Mapped[list[SignalRow]] = relationship(back_populates="site", cascade="all, delete-orphan")


class Page(Base):
    """A fetched URL (page or file) as the crawler saw it."""

    __tablename__ = "page"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_crawl_id: Mapped[int] = mapped_column(ForeignKey("site_crawl.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_type: Mapped[str] = mapped_column(String(200), default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)
    render_mode: Mapped[str] = mapped_column(String(20), default="http")  # http | browser | needs_render | head
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str] = mapped_column(Text, default="")
    last_modified: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fault: Mapped[str | None] = mapped_column(String(40), nullable=True)   # timeout, blocked, soft_404, ...
    # what the page is (crawler.extract.roles): home, hub, dataset_listing, document_list, article, listing,
    # form, person, error, page; role_detail holds the rule, the section the page names itself as, the features
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    role_detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # the archived response (docs/crawling.md "Archive"): file, offset, length, record_id, date, truncated,
    # screenshot {...}; or {"skipped": "site_limit"}; None when not archived (not HTML, archive off, old runs)
    archive: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    site: Mapped[SiteCrawl] = relationship(back_populates="pages")


class SignalRow(Base):
    """A typed fact (crawler.extract.types.Signal) merged over the site's pages."""

    __tablename__ = "signal"
    __table_args__ = (Index("ix_signal_site_kind", "site_crawl_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_crawl_id: Mapped[int] = mapped_column(ForeignKey("site_crawl.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(Text)
    found_on: Mapped[str] = mapped_column(Text)
    on_home: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    snippet: Mapped[str] = mapped_column(Text, default="")
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    site: Mapped[SiteCrawl] = relationship(back_populates="signals")


class Audit(Base):
    """One municipality's crawl scored against one rubric version."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_crawl_id: Mapped[int] = mapped_column(ForeignKey("site_crawl.id", ondelete="CASCADE"), index=True)
    cvegeo: Mapped[str] = mapped_column(String(5), index=True)
    rubric_id: Mapped[str] = mapped_column(String(100))
    rubric_version: Mapped[str] = mapped_column(String(50))
    rubric_hash: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_score: Mapped[float] = mapped_column(Float, default=100.0)
    status: Mapped[str] = mapped_column(String(20))
    pending_points: Mapped[float] = mapped_column(Float, default=0.0)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    caps_applied: Mapped[list] = mapped_column(JSON, default=list)
    criteria: Mapped[list[CriterionResultRow]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="CriterionResultRow.position")


class CriterionResultRow(Base):
    __tablename__ = "criterion_result"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    criterion_id: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    mode: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    reviewed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    suggestion: Mapped[str | None] = mapped_column(Text, nullable=True)
    # reason and suggestion as audit.messages keys + parameters, rendered in the report's language
    message: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    suggestion_message: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    audit: Mapped[Audit] = relationship(back_populates="criteria")


class ManualReview(Base):
    """A reviewer's decision on one criterion for one municipality; tied to the evidence it judged."""

    __tablename__ = "manual_review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cvegeo: Mapped[str] = mapped_column(ForeignKey("municipality.cvegeo"), index=True)
    rubric_id: Mapped[str] = mapped_column(String(100))
    criterion_id: Mapped[str] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(20))         # pass | partial | fail | not_applicable
    points: Mapped[float | None] = mapped_column(Float, nullable=True)
    reviewer: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_hash: Mapped[str] = mapped_column(String(64), default="")  # hash of the evidence judged
    site_crawl_id: Mapped[int | None] = mapped_column(ForeignKey("site_crawl.id", ondelete="SET NULL"), nullable=True)
