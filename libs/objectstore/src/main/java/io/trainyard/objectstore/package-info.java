/**
 * Object storage for Trainyard services over the MinIO client: confined keys ({@link
 * io.trainyard.objectstore.Prefix}, {@link io.trainyard.objectstore.ObjectKey}, {@link
 * io.trainyard.objectstore.Layout}), staged writes committed by a manifest ({@link
 * io.trainyard.objectstore.StagedWrite}, {@link io.trainyard.objectstore.Manifest}) and verified
 * reads ({@link io.trainyard.objectstore.ObjectStore}). See the module's README.
 */
package io.trainyard.objectstore;
