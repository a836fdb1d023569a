"""Content: the taxonomy, FAQs and Resources, managed by programme managers (``staff.content.views``)."""
