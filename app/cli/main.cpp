// netcanvas-train: the headless interface to NetCanvas projects (contract: CLI.md).

#include "ExportCommand.h"
#include "ImportCommand.h"
#include "Options.h"
#include "PredictCommand.h"
#include "Support.h"
#include "SweepCommand.h"
#include "TrainCommand.h"

#include "core/Parallel.h"
#include "core/WaitPolicy.h"

#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    engine::restartWithBoundedSpinning(argv); // before any OpenMP work: see WaitPolicy.h
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (!args.empty() && args[0] == "import")
            return cli::runImport(args, std::cout);
        const cli::Command command = cli::parseCommandLine(args);
        switch (command.kind) {
        case cli::CommandKind::Help:
            std::cout << cli::usageText();
            return cli::ExitOk;
        case cli::CommandKind::Version:
            std::cout << "netcanvas-train " << NETCANVAS_VERSION << '\n'
                      << engine::computeBackendDescription() << std::endl;
            return cli::ExitOk;
        case cli::CommandKind::Train:
            if (!command.train.sweeps.empty())
                return cli::runSweep(command.train, std::cout, std::cerr);
            return cli::runTrain(command.train, std::cout, std::cerr);
        case cli::CommandKind::Predict:
            return cli::runPredict(command.predict, std::cout);
        case cli::CommandKind::Export:
            return cli::runExport(command.exportOptions, std::cout);
        }
    } catch (const cli::UsageError& e) {
        std::cerr << "netcanvas-train: " << cli::oneLine(e.what()) << '\n';
    } catch (const cli::CommandError& e) {
        std::cerr << e.what() << '\n';
    } catch (const std::bad_alloc&) {
        std::cerr << "netcanvas-train: out of memory\n";
    } catch (const std::exception& e) {
        std::cerr << "netcanvas-train: error: " << cli::oneLine(e.what()) << '\n';
    }
    return cli::ExitBadInput;
}
