"""What a map is and how it changes: storing, checking, editing, access, history."""
