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
        /// <summary>
        /// The tracking name of the per-model extraction: the semantic analysis and diagnostics, run by
        /// <c>ForAttributeWithMetadataName</c>, whose output is the equatable <c>ModelData</c>. Roslyn re-runs
        /// this step whenever the compilation changes (symbols may have changed); an unrelated edit leaves its
        /// output equal (reason Unchanged).
        /// </summary>
        public const string ExtractStep = "PplModelExtract";

        /// <summary>
        /// The tracking name of the per-model transformation: the body rewrite and the generation of the
        /// function, trace, builder and metadata from <c>ModelData</c> alone. Its input is equal after an
        /// unrelated edit, so the driver serves it from the cache (reason Cached) instead of re-running it.
        /// </summary>
        public const string TransformStep = "PplModelTransform";

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var models = context.SyntaxProvider.ForAttributeWithMetadataName(
                    "Ppl.Modeling.ModelAttribute",
                    static (node, _) => node is MethodDeclarationSyntax,
                    static (ctx, ct) => Extract(ctx, ct))
                .WithTrackingName(ExtractStep);
            var outputs = models.Select(static (m, ct) => Transform(m, ct)).WithTrackingName(TransformStep);
            context.RegisterSourceOutput(outputs, static (spc, m) => Emit(spc, m));
            // The diagnostics go out through a second output that also sees the compilation, so that each is
            // reported at a location in its syntax tree: only such a location is checked against the tree's
            // `#pragma warning` directives and its .editorconfig severities (a location made from a path and a
            // span, all that the cached ModelOutput can hold, is not). This output re-runs on every edit, but it
            // only looks up trees; the generated source above stays cached.
            var diagnostics = outputs.Select(static (m, _) => new EquatableArray<DiagInfo>(m.Diagnostics))
                .Where(static d => d.Items.Length > 0)
                .Combine(context.CompilationProvider);
            context.RegisterSourceOutput(diagnostics, static (spc, pair) => Report(spc, pair.Left, pair.Right));
        }

        private static ModelOutput Transform(ModelData data, System.Threading.CancellationToken ct)
        {
            try
            {
                return Emitter.Transform(data);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                var diag = new DiagInfo("PPL0009", ImmutableArray.Create(data.MethodName, e.GetType().Name + ": " + e.Message), "", default, default);
                return new ModelOutput(null, null, data.Diagnostics.Items.Add(diag));
            }
        }

        private static ModelData Extract(GeneratorAttributeSyntaxContext ctx, System.Threading.CancellationToken ct)
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
                return ModelData.DiagnosticsOnly(ImmutableArray.Create(diag));
            }
        }

        private static void Emit(SourceProductionContext spc, ModelOutput m)
        {
            try
            {
                if (m.HintName != null && m.Source != null) spc.AddSource(m.HintName, m.Source);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                spc.ReportDiagnostic(Diagnostic.Create(PplDiagnostics.GeneratorFailure, Location.None, m.HintName ?? "?", e.Message));
            }
        }

        private static void Report(SourceProductionContext spc, EquatableArray<DiagInfo> diagnostics, Compilation compilation)
        {
            foreach (var d in diagnostics.Items)
            {
                var descriptor = PplDiagnostics.ById(d.Id);
                if (descriptor == null) continue;
                try
                {
                    spc.ReportDiagnostic(Diagnostic.Create(descriptor, Locate(d, compilation), d.Args.ToArray<object>()));
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    spc.ReportDiagnostic(Diagnostic.Create(PplDiagnostics.GeneratorFailure, Location.None, d.Args.FirstOrDefault() ?? "?", e.Message));
                }
            }
        }

        /// <summary>The diagnostic's location in its syntax tree when the compilation has that tree, else from its path and span.</summary>
        private static Location Locate(DiagInfo d, Compilation compilation)
        {
            if (d.Path.Length > 0)
                foreach (var tree in compilation.SyntaxTrees)
                    if (tree.FilePath == d.Path && d.Span.End <= tree.Length)
                        return Location.Create(tree, d.Span);
            return d.ToLocation();
        }
    }
}
