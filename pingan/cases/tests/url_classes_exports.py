"""URL classes of export jobs (tests/test_url_inventory.py): a job is its requester's alone — anyone else,
in the same district or not, gets 404 (pingan/cases/tests/test_export_jobs.py)."""

OBJECT = {"case-export-job", "case-export-job-download", "api-export-detail", "api-export-download"}
# Starting a job runs the list's filter from what the user may see (cases.selectors.case_list).
SCOPED_LIST = {"case-export-job-new", "api-export-list"}
