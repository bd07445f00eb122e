// Lesson files (engine/Lesson.*): the bytes are a .json file opened as a lesson (a project with
// a "lesson" object). A lesson that loads must survive a save/load round trip, and the texts
// the lesson panel shows are computed for each of its checks and locked settings.

#include "FuzzSupport.h"
#include "project/Lesson.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto file = fuzz::writeInputFile("lesson.json", data, size);
    engine::LessonFile lesson;
    if (!fuzz::expectOnlyInputErrors("loadLesson", [&] { lesson = engine::loadLesson(file); }))
        return 0;
    const bool reloaded = fuzz::expectOnlyInputErrors(
        "LessonFile::fromJson(saved)", [&] { engine::LessonFile::fromJson(lesson.toJson()); });
    fuzz::findingIf(!reloaded, "a lesson that loads does not load again once saved");
    fuzz::expectOnlyInputErrors("lesson texts", [&] {
        for (const engine::LessonCheck& check : lesson.lesson.checks)
            engine::describeCheck(check);
        for (const engine::LockedSetting& lock : lesson.lesson.locked)
            engine::describeSetting(lesson.project, lock.path);
    });
    return 0;
}
