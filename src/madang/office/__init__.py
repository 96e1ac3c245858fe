"""Publishing as an organisation: staff post as the city, drafts and approvals, the publishing calendar."""
