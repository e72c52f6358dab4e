"""The staff groups' names: shared by every app (the groups' permissions are set in
clinicians/staff_groups.py)."""

LEAD = "Lead clinician"
CLINICIAN = "Clinician"
EDITOR = "Editor"
