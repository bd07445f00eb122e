#include "core/JsonText.h"

#include "core/Errors.h"

#include <algorithm>

namespace engine {

namespace {

/// Only records where the parser stopped; nlohmann's DOM parser drops that position for
/// errors other than syntax errors (out_of_range.406, a number overflow).
class ErrorPosition : public nlohmann::json::json_sax_t {
public:
    std::size_t byte = 0; ///< 1-based offset of the token the parser failed on

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string& lastToken,
        const nlohmann::detail::exception&) override
    {
        // The first character of the offending token (the number), not the last.
        byte = position > lastToken.size() ? position - lastToken.size() + 1 : position;
        return false;
    }
};

/// "line L, column C" of the 1-based character offset `byte` (the last character read).
std::string lineAndColumn(const std::string& text, std::size_t byte)
{
    const std::size_t pos = std::min<std::size_t>(byte > 0 ? byte - 1 : 0, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + long(pos), '\n');
    const auto lineStart = text.rfind('\n', pos == 0 ? 0 : pos - 1);
    const std::size_t column
        = (lineStart == std::string::npos || pos == 0) ? pos + 1 : pos - lineStart;
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

} // namespace

std::string jsonErrorText(const nlohmann::json::exception& e)
{
    std::string text = e.what();
    if (text.rfind("[json.exception.", 0) == 0)
        if (const auto end = text.find("] "); end != std::string::npos)
            text = text.substr(end + 2);
    return text;
}

nlohmann::json parseJsonText(const std::string& text, const std::string& where)
{
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is the 1-based offset of the last character read, where the parser stopped.
        // what() is "[json.exception.parse_error.101] parse error at line 4, column 7: syntax
        // error while ..."; keep only the explanation.
        std::string detail = e.what();
        if (const auto at = detail.find(": ", detail.find("parse error")); at != std::string::npos)
            detail = detail.substr(at + 2);
        throw InputError(where + ": " + lineAndColumn(text, e.byte), detail);
    } catch (const nlohmann::json::exception& e) {
        ErrorPosition position;
        nlohmann::json::sax_parse(text, &position);
        throw InputError(where + ": " + lineAndColumn(text, position.byte), jsonErrorText(e));
    }
}

} // namespace engine
