"""BENCHMARKS.md's blocks (project.benchmarks.replace_block), which every `make bench` command writes."""

from project.benchmarks import replace_block

START, END = "<!-- bench:x:start -->", "<!-- bench:x:end -->"


def test_the_first_time_the_section_and_block_are_appended_to_a_new_file(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    replace_block(path, START, END, f"{START}\none\n{END}", "## X\n\nWhat it measures.\n\n")
    assert path.read_text() == f"# Benchmarks\n\n## X\n\nWhat it measures.\n\n{START}\none\n{END}\n"


def test_later_the_block_is_replaced_in_place_and_the_rest_kept(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(f"# Benchmarks\n\n## X\n\nProse.\n\n{START}\nold\n{END}\n\nNotes after.\n\n## Y\n")
    replace_block(path, START, END, f"{START}\nnew\n{END}", "## X\n\n")
    assert path.read_text() == f"# Benchmarks\n\n## X\n\nProse.\n\n{START}\nnew\n{END}\n\nNotes after.\n\n## Y\n"
