package dev.tokentally;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The package structure the build enforces: no cycles between feature packages, every Streams
 * processor and handler in {@code topology}, shared vocabulary in leaves that import nothing of
 * ours, and the composition root {@code app} used by nobody but the entry point.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.tokentally");

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.tokentally.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void streamsProcessorsAndHandlersLiveInTopology() {
    classes()
        .that()
        .implement(Processor.class)
        .or()
        .implement(FixedKeyProcessor.class)
        .or()
        .implement(ProcessingExceptionHandler.class)
        .or()
        .implement(DeserializationExceptionHandler.class)
        .or()
        .implement(ProductionExceptionHandler.class)
        .should()
        .resideInAPackage("dev.tokentally.topology")
        .check(MAIN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"config", "credentials", "errors"})
  void sharedVocabularyDependsOnNothingOfOurs(String leaf) {
    String own = "dev.tokentally." + leaf;
    noClasses()
        .that()
        .resideInAPackage(own)
        .should()
        .dependOnClassesThat(resideInAPackage("dev.tokentally..").and(not(resideInAPackage(own))))
        .check(MAIN);
  }

  @Test
  void onlyTheEntryPointUsesTheCompositionRoot() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.tokentally", "dev.tokentally.app")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tokentally.app")
        .check(MAIN);
  }
}
