using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ppl.Generators
{
    /// <summary>
    /// The incremental source generator that turns each <c>[Model]</c> method into a generative function
    /// specialised per operation, with a typed trace, a typed builder of choices and static metadata, and
    /// that reports the modeling diagnostics PPL0001… (see docs/ARCHITECTURE.md, "The generator").
    /// It never throws: a failure on one model becomes diagnostic PPL0009.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ModelGenerator : IIncrementalGenerator
    {
        /// <summary>The tracking name of the per-model transformation (semantic analysis and rewrite).</summary>
        public const string TransformStep = "PplModelTransform";

        /// <summary>The tracking name of the per-model emission step.</summary>
        public const string EmitStep = "PplModelEmit";

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var models = context.SyntaxProvider.ForAttributeWithMetadataName(
                    "Ppl.Modeling.ModelAttribute",
                    static (node, _) => node is MethodDeclarationSyntax,
                    static (ctx, ct) => Transform(ctx, ct))
                .WithTrackingName(TransformStep);
            var emitted = models.Select(static (m, _) => m).WithTrackingName(EmitStep);
            context.RegisterSourceOutput(emitted, static (spc, m) => Emit(spc, m));
        }

        private static ModelOutput Transform(GeneratorAttributeSyntaxContext ctx, System.Threading.CancellationToken ct)
        {
            try
            {
                return new ModelBuilder(ctx, ct).Build();
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                var name = ctx.TargetSymbol?.Name ?? "?";
                var diag = DiagInfo.Create("PPL0009", ctx.TargetNode.GetLocation(), name, e.GetType().Name + ": " + e.Message);
                return new ModelOutput(null, null, ImmutableArray.Create(diag));
            }
        }

        private static void Emit(SourceProductionContext spc, ModelOutput m)
        {
            try
            {
                foreach (var d in m.Diagnostics)
                {
                    var descriptor = PplDiagnostics.ById(d.Id);
                    if (descriptor != null) spc.ReportDiagnostic(Diagnostic.Create(descriptor, d.ToLocation(), d.Args.ToArray<object>()));
                }
                if (m.HintName != null && m.Source != null) spc.AddSource(m.HintName, m.Source);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                spc.ReportDiagnostic(Diagnostic.Create(PplDiagnostics.GeneratorFailure, Location.None, m.HintName ?? "?", e.Message));
            }
        }
    }
}
