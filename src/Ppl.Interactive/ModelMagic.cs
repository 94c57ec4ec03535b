using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Ppl.Interactive;

/// <summary>
/// The <c>#!ppl-model</c> magic command: a C# cell that starts with it is compiled as a file of a project, with Ppl's
/// source generator and analyzers (<see cref="ModelCompiler"/>), and the resulting assembly is referenced by the
/// kernel, so later cells call the generated models (<c>Models.CoinModel</c>) as a project's code does. The
/// diagnostics a build would print are shown under the cell (and sent as the kernel's diagnostics, which editors
/// underline); an error fails the cell and loads nothing.
/// </summary>
/// <remarks>
/// The cell's code is a C# file, not a script: it declares <c>static partial</c> classes with its own <c>using</c>
/// directives, and sees the assemblies the kernel has loaded (not the variables of earlier cells, nor models compiled
/// by another <c>#!ppl-model</c> cell). A kernel cannot unload an assembly: re-running a cell loads a second one, and
/// a class name then defined twice is ambiguous in later cells, so rename the class or restart the kernel.
/// </remarks>
public static partial class ModelMagic
{
    /// <summary>The magic command's name, the first line of a cell of <c>[Model]</c> methods.</summary>
    public const string Name = "#!ppl-model";

    private static readonly ConditionalWeakTable<Kernel, object> Registered = new();

    /// <summary>
    /// Adds <c>#!ppl-model</c> to a C# kernel: <paramref name="kernel"/>, or, when null, the kernel running the
    /// current cell (the Ppl.Interactive package's <c>extension.dib</c> calls it so). Registering twice changes nothing.
    /// </summary>
    public static void Register(CSharpKernel? kernel = null)
    {
        kernel ??= KernelInvocationContext.Current?.HandlingKernel as CSharpKernel
            ?? throw new InvalidOperationException("ModelMagic.Register() without a kernel must run in a C# kernel's cell.");
        if (Registered.TryGetValue(kernel, out _)) return;
        Registered.Add(kernel, new object());

        var directive = new KernelActionDirective(Name)
        {
            Description = "Compiles the cell as a C# file with Ppl's [Model] source generator and analyzers, and references the result.",
        };
        kernel.AddDirective(directive, (command, context) => Handle(kernel, command, context));
        // The kernel splits a cell into the directive and the code after it, and would then run that code as a
        // script too: a second, generator-less copy of the classes whose name would hide the compiled ones. The
        // directive has already compiled it, so the copy is dropped here.
        kernel.AddMiddleware(async (command, context, next) =>
        {
            if (!IsBodyOfModelCell(command)) await next(command, context);
        });
    }

    private static Task Handle(CSharpKernel kernel, KernelCommand command, KernelInvocationContext context)
    {
        var cell = Ancestors(command).OfType<SubmitCode>().FirstOrDefault(s => Magic().IsMatch(s.Code));
        if (cell is null)
        {
            context.Fail(command, message: $"{Name} found no cell code to compile.");
            return Task.CompletedTask;
        }
        // The magic's line is blanked rather than removed, so that diagnostics' line numbers are the cell's.
        var source = Magic().Replace(cell.Code, "");
        var result = ModelCompiler.Compile(source);
        if (result.Diagnostics.Count > 0)
        {
            context.Publish(new DiagnosticsProduced(
                result.Diagnostics.Select(Microsoft.DotNet.Interactive.Diagnostic.FromCodeAnalysisDiagnostic).ToArray(),
                new[] { new FormattedValue(PlainTextFormatter.MimeType, result.Format()) },
                command));
            KernelInvocationContextExtensions.Display(context, result.Format(), PlainTextFormatter.MimeType);
        }
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
            context.Fail(command, message: string.Join("\n", errors.Select(d => d.ToString())));
            return Task.CompletedTask;
        }
        kernel.AddAssemblyReferences(new[] { result.AssemblyPath! });
        return Task.CompletedTask;
    }

    /// <summary>The code after <c>#!ppl-model</c>, which the kernel split off the cell: the directive compiles it, the script must not run it.</summary>
    private static bool IsBodyOfModelCell(KernelCommand command) =>
        command is SubmitCode code && !Magic().IsMatch(code.Code)
        && Ancestors(command).Skip(1).OfType<SubmitCode>().Any(s => Magic().IsMatch(s.Code));

    private static IEnumerable<KernelCommand> Ancestors(KernelCommand command)
    {
        for (KernelCommand? c = command; c is not null; c = c.Parent) yield return c;
    }

    [GeneratedRegex(@"^[ \t]*#!ppl-model\b[^\r\n]*", RegexOptions.Multiline)]
    private static partial Regex Magic();
}
