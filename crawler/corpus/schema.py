"""The corpus.db schema: DDL, table/column descriptions, migrations.

The descriptions below are the single source for the ``_descriptions`` table, the
Datasette ``metadata.json`` and docs/corpus.md (keep them in step).
"""
from __future__ import annotations

SCHEMA_VERSION = 1

# table -> (description, {column: description})
DESCRIPTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "documents": (
        "One row per article URL: clean text and metadata. Duplicates are kept and point "
        "at the canonical document of their cluster (nothing is deleted by dedup).",
        {
            "id": "Document id (stable for a URL; also the rowid used by the FTS tables).",
            "url": "Article URL as crawled (unique).",
            "site": "Site name (sites.name).",
            "title": "Article title.",
            "published": "Publication date YYYY-MM-DD, if known.",
            "published_time": "Publication time as given by the page, if any.",
            "year": "Year of publication (from published), for faceting.",
            "source": "来源: the originating organisation or medium, as stated by the page.",
            "author": "Author / editor line, if any.",
            "breadcrumb": "Breadcrumb (当前位置) of the page, if any.",
            "text": "Clean body text (NFC; original full-width punctuation kept; paragraphs separated by newlines).",
            "text_length": "Number of characters of text.",
            "text_hash": "SHA-1 of the dedup-normalised text (NFKC, traditional->simplified, pinyin notes, punctuation and whitespace removed): equal hashes = exact duplicates.",
            "dedup_hash": "Key used for exact-duplicate matching: text_hash, or for very short texts a hash of title + text + attachment names.",
            "content_sha1": "SHA-1 of text exactly as stored.",
            "script": "Chinese script of the text: simplified | traditional | mixed | neutral | none (OpenCC character tables).",
            "is_mirror": "1 if the extractor judged the page to be a (spam) mirror copy.",
            "mirror_signals": "JSON list of the signals that made the page look like a mirror.",
            "official": "1 if the document comes from an official site and is not a mirror copy.",
            "cluster_id": "Duplicate cluster (clusters.id); every document has one, singletons included.",
            "canonical_id": "Canonical document of the cluster (equal to id for the canonical copy itself).",
            "is_canonical": "1 for the canonical copy of its cluster (what exports keep).",
            "dup_kind": "NULL for the canonical copy; 'exact' (same text hash as the canonical) or 'near' (near duplicate).",
            "similarity": "Jaccard similarity (character 5-grams) to matched_id when the document joined its cluster.",
            "matched_id": "The document this one matched when it joined its cluster (NULL for the first member).",
            "fields": "JSON object of the government information fields (索引号, 发文机关, 成文日期, 发文字号, ...).",
            "meta": "JSON object of government meta tags.",
            "encoding": "JSON: the encoding decision for the main page (codec, source, confidence, errors).",
            "encoding_name": "Codec used to decode the main page.",
            "n_repairs": "Number of text repairs applied (see repairs).",
            "lost_chars": "Characters known lost in the source that could not be restored.",
            "parts": "JSON list of the URLs of further pages merged into this document.",
            "n_attachments": "Number of attachments (see attachments).",
            "version": "1 for the first text of a URL; incremented when a re-crawl finds a new text (old versions in document_versions).",
            "first_seen": "Fetch time (ISO 8601 UTC, from the WARC) of the first capture of this URL.",
            "last_seen": "Fetch time of the latest capture of this URL.",
            "fetched_at": "Fetch time of the capture the current text comes from.",
            "first_crawl_id": "Crawl that first found this URL.",
            "last_crawl_id": "Latest crawl that fetched this URL.",
            "capture_id": "Capture (captures.id) of the main response record, if registered.",
            "warc_file": "WARC file holding the main response record.",
            "warc_offset": "Byte offset of the record in warc_file.",
            "warc_length": "Compressed length of the record.",
            "warc_record_id": "WARC-Record-ID of the main response record.",
            "payload_digest": "WARC-Payload-Digest of the main response.",
        },
    ),
    "captures": (
        "Every archived fetch (one row per WARC response/revisit record), with the encoding decision.",
        {
            "id": "Capture id.",
            "crawl_id": "Crawl (crawls.id) that made the fetch.",
            "url": "Fetched URL.",
            "fetched_at": "Fetch time, ISO 8601 UTC (WARC-Date).",
            "status": "HTTP status.",
            "content_type": "Content-Type as received.",
            "site": "Site name.",
            "role": "article | part | attachment | list | other.",
            "warc_file": "WARC file name.",
            "warc_offset": "Byte offset of the record.",
            "warc_length": "Compressed record length.",
            "warc_record_id": "WARC-Record-ID (unique).",
            "warc_type": "response | revisit | resource ...",
            "payload_digest": "WARC-Payload-Digest.",
            "encoding": "JSON encoding decision (codec, source, declared, confidence, errors), for HTML.",
            "encoding_name": "Codec used to decode the body, if decoded.",
            "encoding_source": "How the codec was chosen: bom | http | meta | detected | mixed | fallback.",
        },
    ),
    "attachments": (
        "Files linked from documents (PDF, DOC(X), XLS(X), ...) with their extracted text.",
        {
            "id": "Attachment id.",
            "document_id": "Document (documents.id) linking to it.",
            "url": "Attachment URL.",
            "name": "Link text / file name.",
            "mime": "MIME type.",
            "text": "Extracted text (may be empty).",
            "text_length": "Characters of extracted text.",
            "error": "Why extraction failed, if it did.",
            "warc_file": "WARC file of the capture.",
            "warc_offset": "Offset of the record.",
            "warc_length": "Record length.",
            "warc_record_id": "WARC-Record-ID.",
            "payload_digest": "WARC-Payload-Digest.",
        },
    ),
    "sites": (
        "Crawled sites. official=0 marks mirrors/reposters whose copies are never canonical when an official copy exists.",
        {
            "name": "Site name (spider name).",
            "title": "Human-readable name.",
            "official": "1 for an official government / CPPCC site.",
            "kind": "government | cppcc | news | mirror | ...",
            "real_base_url": "The site's real address.",
            "base_url": "Address actually crawled (differs when crawling the offline replica).",
        },
    ),
    "crawls": (
        "One row per crawl run (or rebuild) with its settings and statistics.",
        {
            "id": "Crawl id.",
            "kind": "crawl | rebuild.",
            "started_at": "Start time (ISO 8601 UTC, wall clock).",
            "finished_at": "End time (wall clock).",
            "sites": "JSON list of site names.",
            "settings": "JSON object of the GOVCRAWL_* settings in force.",
            "stats": "JSON object of the run's statistics.",
            "exit_status": "0 on success.",
            "govcrawl_version": "Version of govcrawl that ran.",
            "n_new": "Documents first seen in this run.",
            "n_updated": "Documents whose text changed in this run.",
            "n_unchanged": "Documents fetched again without change.",
            "n_exact_duplicates": "New documents that were exact duplicates.",
            "n_near_duplicates": "New documents that were near duplicates.",
        },
    ),
    "repairs": (
        "Fixes applied to damaged text (mojibake, GBK round-trip damage, tag residue...), per document version.",
        {
            "id": "Repair id.",
            "document_id": "Document repaired.",
            "version": "Document version the repair belongs to.",
            "seq": "Order of the fix within the document.",
            "family": "Kind of damage fixed.",
            "start": "Start offset in the text before the fix.",
            "end": "End offset in the text before the fix.",
            "before": "Damaged text.",
            "after": "Repaired text.",
            "confidence": "Confidence of the fix (0-1).",
            "lost": "Characters known lost that could not be restored.",
        },
    ),
    "clusters": (
        "Duplicate clusters (exact and near duplicates). Singletons are clusters of size 1.",
        {
            "id": "Cluster id.",
            "canonical_id": "Canonical document: official site first, then earliest published, then longest text, then URL.",
            "size": "Number of documents in the cluster.",
            "n_sites": "Number of distinct sites.",
            "n_mirror": "Number of mirror copies (is_mirror or unofficial site).",
            "first_published": "Earliest publication date in the cluster.",
            "title": "Title of the canonical document.",
        },
    ),
    "duplicates": (
        "Why each duplicate is a duplicate: the document it matched when it joined a cluster.",
        {
            "document_id": "The duplicate.",
            "matched_id": "The document it matched.",
            "cluster_id": "Cluster joined.",
            "kind": "exact | near.",
            "jaccard": "Exact Jaccard similarity of the character 5-gram sets (1.0 for exact).",
            "crawl_id": "Crawl in which the match was made.",
        },
    ),
    "document_versions": (
        "Earlier texts of URLs whose text changed on a re-crawl (documents always holds the latest).",
        {
            "document_id": "Document.",
            "version": "Version number of this (superseded) text.",
            "title": "Title of that version.",
            "text": "Text of that version.",
            "text_hash": "text_hash of that version.",
            "fetched_at": "Fetch time of that version.",
            "crawl_id": "Latest crawl that fetched that version.",
            "warc_record_id": "WARC-Record-ID of that version's capture.",
        },
    ),
    "signatures": (
        "MinHash signatures (128 x uint32 little-endian BLOB, character 5-grams of the dedup-normalised, boilerplate-stripped text).",
        {
            "document_id": "Document.",
            "minhash": "512-byte BLOB.",
            "n_shingles": "Number of 5-gram shingles.",
        },
    ),
    "lsh_buckets": (
        "LSH index: 21 bands x 6 rows of the MinHash signature, one row per (band key, document).",
        {"key": "Signed 64-bit hash of (band number, band values).", "document_id": "Document."},
    ),
    "boilerplate_lines": (
        "Lines (paragraphs) shared by documents of one site. A line is boilerplate once two "
        "documents of the site that are otherwise different (their remaining lines are not "
        "near duplicates) both contain it; near-duplicate detection ignores boilerplate lines.",
        {
            "site": "Site.",
            "line_hash": "SHA-1 (first 16 hex) of the normalised line.",
            "n_docs": "Number of documents of the site containing it (exact copies not counted).",
            "is_boilerplate": "1 once the line is known to be shared by different articles.",
            "docs": "JSON list of the first few documents containing it (evidence).",
            "sample": "The normalised line (first 80 characters).",
        },
    ),
    "corpus_meta": ("Key/value facts about the database (schema version, creator).", {}),
    "_descriptions": ("Descriptions of every table and column (this documentation).", {}),
    "documents_fts": (
        "FTS5 trigram index of documents.title and documents.text (external content): substring search for queries of 3+ characters.",
        {},
    ),
    "documents_fts_words": (
        "FTS5 unicode61 index of jieba-segmented title/text (simplified) plus distinct Chinese unigrams and bigrams: finds 1-2 character queries such as 氢能.",
        {
            "title_words": "jieba tokens of the title.",
            "text_words": "jieba (search mode) tokens of the text.",
            "grams": "Distinct Chinese characters and character pairs of title and text.",
        },
    ),
    "documents_search": (
        "View: MATCH against it searches both FTS tables (UNION ALL), so a query of any length works with stock SQLite and Datasette's _search.",
        {},
    ),
}

DDL = """
CREATE TABLE IF NOT EXISTS corpus_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS _descriptions (
    table_name TEXT NOT NULL, column_name TEXT NOT NULL DEFAULT '', description TEXT,
    PRIMARY KEY (table_name, column_name));
CREATE TABLE IF NOT EXISTS sites (
    name TEXT PRIMARY KEY, title TEXT, official INTEGER NOT NULL DEFAULT 1, kind TEXT,
    real_base_url TEXT, base_url TEXT);
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY, kind TEXT, started_at TEXT, finished_at TEXT, sites TEXT,
    settings TEXT, stats TEXT, exit_status INTEGER, govcrawl_version TEXT,
    n_new INTEGER DEFAULT 0, n_updated INTEGER DEFAULT 0, n_unchanged INTEGER DEFAULT 0,
    n_exact_duplicates INTEGER DEFAULT 0, n_near_duplicates INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY, crawl_id INTEGER REFERENCES crawls(id), url TEXT NOT NULL,
    fetched_at TEXT, status INTEGER, content_type TEXT, site TEXT, role TEXT,
    warc_file TEXT, warc_offset INTEGER, warc_length INTEGER, warc_record_id TEXT,
    warc_type TEXT, payload_digest TEXT, encoding TEXT, encoding_name TEXT, encoding_source TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS captures_record ON captures(warc_record_id)
    WHERE warc_record_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS captures_url ON captures(url);
CREATE TABLE IF NOT EXISTS clusters (
    id INTEGER PRIMARY KEY, canonical_id INTEGER, size INTEGER NOT NULL DEFAULT 1,
    n_sites INTEGER, n_mirror INTEGER, first_published TEXT, title TEXT);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, site TEXT REFERENCES sites(name),
    title TEXT, published TEXT, published_time TEXT, year INTEGER, source TEXT, author TEXT,
    breadcrumb TEXT, text TEXT, text_length INTEGER, text_hash TEXT, dedup_hash TEXT,
    content_sha1 TEXT, script TEXT, is_mirror INTEGER NOT NULL DEFAULT 0, mirror_signals TEXT,
    official INTEGER, cluster_id INTEGER REFERENCES clusters(id),
    canonical_id INTEGER, is_canonical INTEGER, dup_kind TEXT, similarity REAL,
    matched_id INTEGER, fields TEXT, meta TEXT, encoding TEXT, encoding_name TEXT,
    n_repairs INTEGER, lost_chars INTEGER, parts TEXT, n_attachments INTEGER,
    version INTEGER NOT NULL DEFAULT 1, first_seen TEXT, last_seen TEXT, fetched_at TEXT,
    first_crawl_id INTEGER, last_crawl_id INTEGER, capture_id INTEGER, warc_file TEXT,
    warc_offset INTEGER, warc_length INTEGER, warc_record_id TEXT, payload_digest TEXT);
CREATE INDEX IF NOT EXISTS documents_dedup_hash ON documents(dedup_hash);
CREATE INDEX IF NOT EXISTS documents_cluster ON documents(cluster_id);
CREATE INDEX IF NOT EXISTS documents_site_published ON documents(site, published);
CREATE TABLE IF NOT EXISTS document_versions (
    document_id INTEGER NOT NULL REFERENCES documents(id), version INTEGER NOT NULL,
    title TEXT, text TEXT, text_hash TEXT, fetched_at TEXT, crawl_id INTEGER,
    warc_record_id TEXT, PRIMARY KEY (document_id, version));
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    url TEXT NOT NULL, name TEXT, mime TEXT, text TEXT, text_length INTEGER, error TEXT,
    warc_file TEXT, warc_offset INTEGER, warc_length INTEGER, warc_record_id TEXT,
    payload_digest TEXT, UNIQUE (document_id, url));
CREATE TABLE IF NOT EXISTS repairs (
    id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    version INTEGER NOT NULL DEFAULT 1, seq INTEGER, family TEXT, start INTEGER, "end" INTEGER,
    before TEXT, after TEXT, confidence REAL, lost INTEGER);
CREATE INDEX IF NOT EXISTS repairs_document ON repairs(document_id);
CREATE TABLE IF NOT EXISTS duplicates (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id), matched_id INTEGER,
    cluster_id INTEGER, kind TEXT, jaccard REAL, crawl_id INTEGER);
CREATE TABLE IF NOT EXISTS signatures (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id), minhash BLOB, n_shingles INTEGER);
CREATE TABLE IF NOT EXISTS lsh_buckets (
    key INTEGER NOT NULL, document_id INTEGER NOT NULL,
    PRIMARY KEY (key, document_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS boilerplate_lines (
    site TEXT NOT NULL, line_hash TEXT NOT NULL, n_docs INTEGER NOT NULL DEFAULT 0,
    is_boilerplate INTEGER NOT NULL DEFAULT 0, docs TEXT, sample TEXT,
    PRIMARY KEY (site, line_hash)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS boilerplate_lines_hash ON boilerplate_lines(line_hash) WHERE is_boilerplate = 1;
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    title, text, content="documents", content_rowid="id", tokenize="trigram");
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts_words USING fts5(
    title_words, text_words, grams, tokenize='unicode61');
CREATE VIEW IF NOT EXISTS documents_search(rowid, documents_search) AS
    SELECT rowid, documents_fts FROM documents_fts
    UNION ALL
    SELECT rowid, documents_fts_words FROM documents_fts_words;
"""


def description_rows():
    for table, (tdesc, cols) in DESCRIPTIONS.items():
        yield {"table_name": table, "column_name": "", "description": tdesc}
        for col, cdesc in cols.items():
            yield {"table_name": table, "column_name": col, "description": cdesc}


def migrate(conn) -> None:
    """Create or upgrade the schema in place (idempotent)."""
    conn.executescript(DDL)
    conn.execute("DELETE FROM _descriptions")
    conn.executemany(
        "INSERT INTO _descriptions(table_name, column_name, description) VALUES (?,?,?)",
        [(r["table_name"], r["column_name"], r["description"]) for r in description_rows()],
    )
